#!/usr/bin/env python3
"""A fleet of COUNT agents beating every INTERVAL seconds through the batch endpoint, for SECONDS seconds.

    beater.py HOST:PORT COUNT INTERVAL SECONDS [PREFIX]

Agents are PREFIX-000000 … (PREFIX "fleet"), each beat is ../heartbeat/beat.json with the agent's name and a
seq that grows by one per round. A round sends the COUNT beats in POST /api/v1/heartbeats batches of 200
(under the exporter's 64 KiB body limit), spread evenly over the INTERVAL; the next round starts INTERVAL after
the previous one started. The first round is sent at once (it loads the fleet). Stops by itself after SECONDS.
Prints one line per round (`round N sent COUNT in S s, late L s`) and at the end a RESULT line:
`RESULT rounds=… beats=… late_rounds=… max_round_s=…`. Exits non-zero when a batch is not answered 202/200.
"""
import http.client
import pathlib
import sys
import time

BENCH = pathlib.Path(__file__).resolve().parent.parent
BATCH = 200


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    host, port = sys.argv[1].rsplit(":", 1)
    count, interval, seconds = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    prefix = sys.argv[5] if len(sys.argv) == 6 else "fleet"
    template = (BENCH / "heartbeat" / "beat.json").read_text().strip()
    # One body per batch with SEQ left in: a round only substitutes the seq.
    batches = []
    for start in range(0, count, BATCH):
        beats = [template.replace("AGENT", "%s-%06d" % (prefix, n)) for n in range(start, min(start + BATCH, count))]
        batches.append(("[" + ",".join(beats) + "]").encode())
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    began = time.monotonic()
    rounds = late_rounds = 0
    longest = 0.0
    seq = 0
    while time.monotonic() - began < seconds:
        seq += 1
        round_start = time.monotonic()
        spacing = 0 if seq == 1 else interval * 0.9 / len(batches)
        for index, body in enumerate(batches):
            due = round_start + index * spacing
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            connection.request(
                "POST", "/api/v1/heartbeats", body=body.replace(b"SEQ", b"%d" % seq),
                headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            answer = response.read()
            if response.status not in (200, 202):
                sys.exit("batch %d of round %d: HTTP %d %s" % (index, seq, response.status, answer[:200]))
        took = time.monotonic() - round_start
        longest = max(longest, took)
        rounds += 1
        late = took > interval
        late_rounds += late
        print("round %d sent %d in %.2f s%s" % (seq, count, took, ", late" if late else ""), flush=True)
        pause = round_start + interval - time.monotonic()
        remaining = seconds - (time.monotonic() - began)
        if pause > 0:
            time.sleep(min(pause, max(remaining, 0)))
    connection.close()
    print("RESULT rounds=%d beats=%d late_rounds=%d max_round_s=%.2f" % (rounds, rounds * count, late_rounds, longest),
          flush=True)


if __name__ == "__main__":
    main()
