#!/usr/bin/python3
"""Heartbeat latency while one address holds 2,000 connections open and trickles bytes on them.

    bench/slowclients/run.py [BINARY] [-- EXTRA SERVE FLAGS]
    bench/slowclients/run.py --trickle PORT     (the slow clients alone, for SlowClientsTests)

BINARY defaults to .build/release/heartbeat-exporter (else .build/debug/…). It starts the binary on a free
loopback port with its own data folder, times beats sent one after another from 127.0.0.1 (a new connection
each, from connect to the last byte of the 202), first alone and then while 2,000 sockets bound to 127.0.0.2
send a request one byte a second each (reopened whenever the server closes them), prints p50/p99 of both,
and stops the binary by PID. Environment: SLOW_CONNECTIONS (2000), BEATS (1000), BEAT_SPACING_MS (20).
The file-descriptor soft limit is raised (setrlimit) to hold the sockets; the exporter inherits it.
Python 3 standard library only.
"""

import errno
import math
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONNECTIONS = int(os.environ.get("SLOW_CONNECTIONS", "2000"))
BEATS = int(os.environ.get("BEATS", "1000"))
SPACING = float(os.environ.get("BEAT_SPACING_MS", "20")) / 1000
SLOW_REQUEST = (b"POST /api/v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"X-Slow: " + b"s" * 4000)


def start(binary, folder, extra):
    log_path = os.path.join(folder, "exporter.log")
    log = open(log_path, "w")
    process = subprocess.Popen([binary, "serve", "--web.listen-address", "127.0.0.1:0", "--storage.path",
                                os.path.join(folder, "data")] + extra,
                               cwd=folder, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        match = re.search(r"msg=listening .*port=(\d+)", open(log_path).read())
        if match:
            return process, int(match.group(1))
        if process.poll() is not None:
            raise SystemExit(open(log_path).read())
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    raise SystemExit("exporter did not listen within 60 s")


def beat(port, index):
    body = b'{"agent":"timed-%d","interval_seconds":30}' % (index % 50)
    request = (b"POST /api/v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    started = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(request)
            reply = b""
            while chunk := connection.recv(4096):
                reply += chunk
        if not reply.startswith(b"HTTP/1.1 202"):
            return None
    except OSError:
        return None
    return (time.perf_counter() - started) * 1000


def timed_beats(port, count):
    samples, failed = [], 0
    for index in range(count):
        started = time.perf_counter()
        milliseconds = beat(port, index)
        if milliseconds is None:
            failed += 1
        else:
            samples.append(milliseconds)
        time.sleep(max(0.0, SPACING - (time.perf_counter() - started)))
    return samples, failed


def percentile(samples, fraction):
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


class Trickler(threading.Thread):
    """CONNECTIONS sockets from 127.0.0.2 sending one byte a second each; reopened when the server closes them."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.stop_event = threading.Event()
        self.opened = 0
        self.closed_by_server = 0
        self.sockets = [self.open() for _ in range(CONNECTIONS)]

    def open(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind(("127.0.0.2", 0))
        s.connect_ex(("127.0.0.1", self.port))
        self.opened += 1
        return [s, 0]

    def run(self):
        while not self.stop_event.is_set():
            started = time.time()
            for entry in self.sockets:
                s, sent = entry
                closed = False
                try:
                    closed = s.recv(512) == b""
                except BlockingIOError:
                    pass
                except OSError:
                    closed = True
                if not closed:
                    try:
                        s.send(SLOW_REQUEST[sent % len(SLOW_REQUEST):][:1])
                        entry[1] += 1
                    except BlockingIOError:
                        pass
                    except OSError as error:
                        closed = error.errno != errno.ENOTCONN
                if closed:
                    self.closed_by_server += 1
                    s.close()
                    entry[:] = self.open()
            self.stop_event.wait(max(0.0, 1 - (time.time() - started)))
        for s, _ in self.sockets:
            s.close()


def raise_open_file_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = CONNECTIONS + 4096
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def trickle_only(port):
    """Opens the slow connections to PORT, prints "ready", trickles until standard input closes, then prints
    "opened N closed_by_server M". The test process that starts it holds none of these sockets and keeps its own
    file-descriptor limit."""
    raise_open_file_limit()
    trickler = Trickler(port)
    trickler.start()
    print("ready", flush=True)
    sys.stdin.read()
    trickler.stop_event.set()
    trickler.join()
    print(f"opened {trickler.opened} closed_by_server {trickler.closed_by_server}", flush=True)


def main():
    args = sys.argv[1:]
    if args[:1] == ["--trickle"]:
        trickle_only(int(args[1]))
        return
    extra = args[args.index("--") + 1:] if "--" in args else []
    args = args[:args.index("--")] if "--" in args else args
    binary = os.path.abspath(args[0]) if args else next(
        (p for p in (f"{ROOT}/.build/release/heartbeat-exporter", f"{ROOT}/.build/debug/heartbeat-exporter")
         if os.access(p, os.X_OK)), None)
    if binary is None:
        raise SystemExit("no binary: pass its path, or build with `swift build -c release`")
    raise_open_file_limit()
    folder = tempfile.mkdtemp(prefix="slowclients-")
    process, port = start(binary, folder, extra)
    try:
        alone, alone_failed = timed_beats(port, BEATS)
        trickler = Trickler(port)
        trickler.start()
        time.sleep(3)
        loaded, loaded_failed = timed_beats(port, BEATS)
        trickler.stop_event.set()
        trickler.join()
        print(f"binary {binary} {' '.join(extra)}")
        print(f"alone:                         p50 {percentile(alone, 0.5):6.2f} ms  p99 "
              f"{percentile(alone, 0.99):6.2f} ms  failed {alone_failed}/{BEATS}")
        print(f"with {CONNECTIONS} slow connections: p50 {percentile(loaded, 0.5):6.2f} ms  p99 "
              f"{percentile(loaded, 0.99):6.2f} ms  failed {loaded_failed}/{BEATS}")
        print(f"slow connections opened {trickler.opened}, closed by the server {trickler.closed_by_server}")
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
