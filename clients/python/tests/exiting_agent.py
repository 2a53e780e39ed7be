"""An agent process for the exit tests: beats once, then ends as its first argument says.

``python exiting_agent.py URL AGENT crash``: a task raises and the exception ends the process (exit code 1).
``python exiting_agent.py URL AGENT return``: a task succeeds and the script returns without ``stop()``.
"""

from __future__ import annotations

import sys
import time

from heartbeat_client import HeartbeatClient, RetryPolicy


def main(url: str, agent: str, ending: str) -> None:
    client = HeartbeatClient(url, agent, retry=RetryPolicy(retries=0, timeout=5))
    client.start_heartbeat(interval=3600)  # the first beat goes out at once; the next would come in an hour
    deadline = time.monotonic() + 30
    while client.stats.delivered < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    if ending == "crash":
        with client.task("import orders.csv"):
            raise RuntimeError("poisoned input at row 7")
    with client.task("import orders.csv") as task:
        task.cost_usd = 0.25


if __name__ == "__main__":
    main(*sys.argv[1:4])
