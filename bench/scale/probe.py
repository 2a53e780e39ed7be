#!/usr/bin/env python3
"""One scrape of a text exposition: its time, size, series, and the sum, max and count of named metrics.

    probe.py URL [METRIC …]

Fetches URL (plain, no compression) with keep-alive off, timed from the request to the last byte, and prints
one line: `time_s=… bytes=… series=…` then, for each METRIC, `METRIC.sum=… METRIC.max=… METRIC.n=…` over its
samples (every label set). Gives up after PROBE_TIMEOUT seconds (600) without data: prints `time_s=timeout`
and exits 2. Exits 1 on a status other than 200.
"""
import http.client
import os
import sys
import time
import urllib.parse


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    url = urllib.parse.urlsplit(sys.argv[1])
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=float(os.environ.get("PROBE_TIMEOUT", 600)))
    started = time.monotonic()
    chunks = []
    try:
        connection.request("GET", url.path or "/", headers={"Connection": "close"})
        response = connection.getresponse()
        while True:
            chunk = response.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except TimeoutError:
        print("time_s=timeout")
        sys.exit(2)
    took = time.monotonic() - started
    if response.status != 200:
        sys.exit("%s: HTTP %d" % (sys.argv[1], response.status))
    body = b"".join(chunks)
    lines = body.count(b"\n")
    comments = body.count(b"\n#") + (1 if body.startswith(b"#") else 0)
    fields = ["time_s=%.4f" % took, "bytes=%d" % len(body), "series=%d" % (lines - comments)]
    for name in sys.argv[2:]:
        values = []
        needle = b"\n" + name.encode()
        at = body.find(needle)
        while at >= 0:
            end = body.find(b"\n", at + 1)
            line = body[at + 1:end]
            rest = line[len(needle) - 1:]
            if rest[:1] in (b"{", b" "):
                values.append(float(line.rsplit(b" ", 1)[1]))
            at = body.find(needle, end)
        fields.append("%s.sum=%.6f" % (name, sum(values)))
        fields.append("%s.max=%.6f" % (name, max(values) if values else 0))
        fields.append("%s.n=%d" % (name, len(values)))
    print(" ".join(fields))


if __name__ == "__main__":
    main()
