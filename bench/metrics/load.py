#!/usr/bin/env python3
"""Loads COUNT agents (agent-0000 …) into a heartbeat-exporter or a Pushgateway.

    load.py exporter    HOST:PORT COUNT   # POST /api/v1/heartbeats, batches of 200 beats
    load.py pushgateway HOST:PORT COUNT   # PUT /metrics/job/agents/instance/<agent>

The bodies are the benchmark's own: ../heartbeat/beat.json (one beat per agent, seq 1) and
../pushgateway/agent.prom (the same families, in the text format).  Exits non-zero when any
request is not answered with a 2xx status.
"""
import http.client
import pathlib
import sys

BENCH = pathlib.Path(__file__).resolve().parent.parent
BATCH = 200  # 200 beats of ~300 bytes stay under the exporter's default 64 KiB body limit


def agent_name(n):
    return "agent-%04d" % n


def send(connection, method, path, body, content_type):
    connection.request(method, path, body=body, headers={"Content-Type": content_type})
    response = connection.getresponse()
    answer = response.read()
    if not 200 <= response.status < 300:
        sys.exit("%s %s: HTTP %d %s" % (method, path, response.status, answer[:200]))


def load_exporter(connection, count):
    template = (BENCH / "heartbeat" / "beat.json").read_text().strip()
    for start in range(0, count, BATCH):
        beats = [template.replace("AGENT", agent_name(n)).replace("SEQ", "1")
                 for n in range(start, min(start + BATCH, count))]
        body = ("[" + ",".join(beats) + "]").encode()
        send(connection, "POST", "/api/v1/heartbeats", body, "application/json")


def load_pushgateway(connection, count):
    template = (BENCH / "pushgateway" / "agent.prom").read_text()
    for n in range(count):
        agent = agent_name(n)
        send(connection, "PUT", "/metrics/job/agents/instance/" + agent,
             template.replace("AGENT", agent).encode(), "text/plain; version=0.0.4")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("exporter", "pushgateway"):
        sys.exit(__doc__)
    host, port = sys.argv[2].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    count = int(sys.argv[3])
    (load_exporter if sys.argv[1] == "exporter" else load_pushgateway)(connection, count)
    connection.close()


if __name__ == "__main__":
    main()
