"""The Python client against the real exporter binary."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, List

import pytest

from conftest import Exporter, free_port, wait_until
from heartbeat_client import BeatReply, HeartbeatClient, RetryPolicy
from lossy_proxy import LossyProxy

NO_WAIT = RetryPolicy(retries=2, backoff=0.01, timeout=5)

HEALTH_RULES = """
groups:
  - name: client-tests
    interval: 250ms
    rules:
      - alert: AgentDegraded
        expr: agent_health{state="degraded"} == 1
      - alert: AgentUnreachable
        expr: agent_health{state="unreachable"} == 1
"""


def ticking_clock(step: float) -> Callable[[], float]:
    """A clock that advances ``step`` seconds each time it is read, so timed tasks last exactly ``step``."""
    now = [1000.0]

    def read() -> float:
        now[0] += step
        return now[0]
    return read


def test_beats_from_the_heartbeat_thread_arrive(exporter: Exporter) -> None:
    client = HeartbeatClient(exporter.url, "py-worker", agent_type="worker", labels={"team": "payments"})
    client.start_heartbeat(interval=0.1)
    agent = wait_until(lambda: exporter.agent("py-worker").get("metrics", {}).get("heartbeats_total", 0) >= 3
                       and exporter.agent("py-worker"), message="three beats")
    client.stop_beating()
    assert agent["state"] == "healthy"
    assert agent["agent_type"] == "worker"
    assert agent["labels"] == {"team": "payments"}
    assert agent["run_id"] == client.run_id
    assert agent["interval_seconds"] == 0.1
    assert client.stats.delivered >= 3 and client.stats.failures == 0


def test_reported_metrics_show_up_on_metrics(exporter: Exporter) -> None:
    client = HeartbeatClient(exporter.url, "py-metrics", agent_type="worker", clock=ticking_clock(0.5))
    client.report_metric(success=True, latency_ms=250, cost_usd=0.5, tokens=100)
    client.report_metric(success=False, latency_ms=1500)
    client.report_metric(cost_usd=0.25, tokens=50, errors=2)
    client.set_gauges(queue_depth=4, active_tasks=1)
    with client.task("summarize") as task:
        task.cost_usd = 0.125
    with pytest.raises(KeyError):
        with client.task("lookup"):
            raise KeyError("missing")
    reply = client.beat()

    assert reply is not None and reply.state == "healthy" and not reply.duplicate
    labels = 'agent="py-metrics",agent_type="worker"'
    assert exporter.sample(f'agent_tasks_total{{{labels},outcome="success"}}') == 2
    assert exporter.sample(f'agent_tasks_total{{{labels},outcome="failure"}}') == 2
    assert exporter.sample(f"agent_cost_usd_total{{{labels}}}") == 0.875
    assert exporter.sample(f"agent_tokens_total{{{labels}}}") == 150
    assert exporter.sample(f"agent_errors_total{{{labels}}}") == 2
    assert exporter.sample(f"agent_queue_depth{{{labels}}}") == 4
    assert exporter.sample(f"agent_task_duration_seconds_count{{{labels}}}") == 4
    assert exporter.sample(f"agent_task_duration_seconds_sum{{{labels}}}") == 0.25 + 1.5 + 0.5 + 0.5


def test_a_retried_beat_keeps_its_seq_and_is_counted_once(exporter: Exporter) -> None:
    proxy = LossyProxy(exporter.port)
    pauses: List[float] = []
    client = HeartbeatClient(proxy.url, "py-retry", retry=RetryPolicy(retries=2, backoff=0.5), sleep=pauses.append)
    client.report_metric(success=True, cost_usd=1.0)
    reply = client.beat()
    proxy.close()

    bodies = proxy.bodies()
    assert len(bodies) == 2, "the first reply was lost, so the client sent the beat again"
    assert bodies[0] == bodies[1]
    assert bodies[0]["seq"] == 1 and bodies[0]["run_id"] == client.run_id
    assert pauses == [0.5]
    assert reply is not None and reply.duplicate
    assert client.stats.retries == 1 and client.stats.delivered == 1
    assert exporter.sample('agent_heartbeats_total{agent="py-retry"}') == 1
    assert exporter.sample('agent_tasks_total{agent="py-retry",outcome="success"}') == 1
    assert exporter.sample('agent_cost_usd_total{agent="py-retry"}') == 1.0
    assert exporter.sample('heartbeat_exporter_heartbeats_received_total{result="duplicate"}') == 1


def test_stop_deregisters_without_an_alert(start_exporter: Callable[..., Exporter]) -> None:
    exporter = start_exporter(config="global: {evaluation_interval: 250ms}\n", rules=HEALTH_RULES)
    leaving = HeartbeatClient(exporter.url, "py-leaving")
    crashing = HeartbeatClient(exporter.url, "py-crashing")
    for client in (leaving, crashing):
        client.start_heartbeat(interval=0.1)
    wait_until(lambda: exporter.agent("py-crashing").get("metrics", {}).get("heartbeats_total", 0) >= 2
               and exporter.agent("py-leaving").get("metrics", {}).get("heartbeats_total", 0) >= 2,
               message="both agents beating")
    assert leaving.stop(reason="deploy") is True
    crashing.stop_beating()

    def firing_agents() -> List[str]:
        return [alert["labels"].get("agent", "") for alert in exporter.alerts()
                if alert["labels"]["alertname"] == "AgentUnreachable" and alert["state"] == "firing"]
    assert wait_until(firing_agents, timeout=15, message="AgentUnreachable for the crashed agent") == ["py-crashing"]
    assert not [alert for alert in exporter.alerts() if alert["labels"].get("agent") == "py-leaving"]
    stopped = exporter.agent("py-leaving")
    assert stopped["state"] == "stopped"
    assert stopped["stopped"]["reason"] == "deploy"
    assert leaving.beat() is None, "a stopped client does not beat again"


def test_a_kill_reaches_on_killed(exporter: Exporter) -> None:
    replies: List[BeatReply] = []
    called = threading.Event()

    def on_killed(reply: BeatReply) -> None:
        replies.append(reply)
        called.set()
    client = HeartbeatClient(exporter.url, "py-rogue", on_killed=on_killed)
    client.start_heartbeat(interval=0.1)
    wait_until(lambda: exporter.agent("py-rogue"), message="first beat")
    killed = exporter.request("POST", "/api/v1/agents/py-rogue/kill", {"reason": "cost", "by": "ops"})
    assert killed["data"]["state"] == "killed"
    assert called.wait(timeout=5), "on_killed was not called"
    wait_until(lambda: client.stats.delivered >= len(replies) + 3, message="beats after the kill")
    client.stop_beating()
    assert len(replies) == 1, "on_killed is called once per kill"
    assert replies[0].killed and replies[0].directive == "stop" and replies[0].state == "killed"
    assert client.killed


def test_by_default_a_killed_client_stops_beating(exporter: Exporter, caplog: pytest.LogCaptureFixture) -> None:
    client = HeartbeatClient(exporter.url, "py-obedient")
    assert client.beat() is not None
    exporter.request("POST", "/api/v1/agents/py-obedient/kill")
    with caplog.at_level(logging.WARNING, logger="heartbeat_client"):
        reply = client.beat()
    assert reply is not None and reply.killed
    assert client.killed
    assert "killed by an operator" in caplog.text
    assert client.beat() is None
    assert exporter.agent("py-obedient")["metrics"]["heartbeats_total"] == 2
    assert exporter.agent("py-obedient")["state"] == "killed"


def test_an_exporter_that_is_down_never_raises_and_gets_the_queued_beats_later(
        start_exporter: Callable[..., Exporter], caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    client = HeartbeatClient(f"http://127.0.0.1:{port}", "py-patient", retry=NO_WAIT)
    with caplog.at_level(logging.WARNING, logger="heartbeat_client"):
        client.report_metric(success=True, latency_ms=10)
        with client.task("while down"):
            pass
        assert client.beat() is None
        assert client.beat() is None
        client.start_heartbeat(interval=0.05)
        wait_until(lambda: client.stats.failures >= 4, message="failed beats from the thread")
    assert client.stats.delivered == 0 and client.stats.pending >= 2
    assert caplog.text.count("heartbeat delivery failed") == 1, "an outage is logged once, not per beat"

    exporter = start_exporter(port=port)
    wait_until(lambda: client.stats.pending == 0, message="queued beats delivered")
    client.stop_beating()
    agent = exporter.agent("py-patient")
    assert agent["metrics"]["tasks_succeeded_total"] == 2
    assert agent["metrics"]["heartbeats_total"] == client.stats.delivered
    assert exporter.sample('heartbeat_exporter_heartbeats_received_total{result="duplicate"}') == 0


def test_stop_while_the_exporter_is_down_returns_false() -> None:
    client = HeartbeatClient(f"http://127.0.0.1:{free_port()}", "py-alone", retry=NO_WAIT)
    client.report_metric(success=True)
    assert client.stop() is False
    assert client.stats.failures == 2


def run_agent(exporter: Exporter, agent: str, ending: str) -> subprocess.CompletedProcess:
    """Runs tests/exiting_agent.py as its own Python process against ``exporter`` and waits for it to exit."""
    tests = Path(__file__).resolve().parent
    environment = dict(os.environ, PYTHONPATH=str(tests.parent / "src"))
    return subprocess.run([sys.executable, str(tests / "exiting_agent.py"), exporter.url, agent, ending],
                          env=environment, capture_output=True, text=True, timeout=60)


def test_an_agent_that_dies_of_an_exception_in_a_task_still_reports_the_failure(exporter: Exporter) -> None:
    finished = run_agent(exporter, "py-crasher", "crash")

    assert finished.returncode == 1
    assert "RuntimeError: poisoned input at row 7" in finished.stderr, "the exception propagates unchanged"
    assert exporter.sample('agent_tasks_total{agent="py-crasher",outcome="failure"}') == 1
    agent = exporter.agent("py-crasher")
    assert agent["metrics"]["tasks_failed_total"] == 1
    assert agent["metrics"]["heartbeats_total"] == 2, "the first beat, then the last one sent at exit"
    assert agent["last_task_error"]["message"] == "RuntimeError: poisoned input at row 7"
    assert agent["state"] == "healthy", "a crash is not a deregistration: the agent's silence alerts as usual"


def test_an_agent_that_returns_without_stop_sends_what_it_holds(exporter: Exporter) -> None:
    finished = run_agent(exporter, "py-forgetful", "return")

    assert finished.returncode == 0, finished.stderr
    assert exporter.sample('agent_tasks_total{agent="py-forgetful",outcome="success"}') == 1
    assert exporter.sample('agent_cost_usd_total{agent="py-forgetful"}') == 0.25
    assert exporter.agent("py-forgetful")["state"] == "healthy"


def test_a_task_error_is_bounded_and_the_latest_failure_wins(exporter: Exporter) -> None:
    client = HeartbeatClient(exporter.url, "py-verbose")
    with pytest.raises(ValueError):
        with client.task("parse"):
            raise ValueError("x" * 10_000)
    client.beat()
    message = exporter.agent("py-verbose")["last_task_error"]["message"]
    assert message.startswith("ValueError: xxx") and len(message.encode()) <= 512

    with client.task("lookup") as task:
        task.success, task.error = False, "no such customer"
    client.report_metric(success=True)
    client.beat()
    client.stop_beating()
    assert exporter.agent("py-verbose")["last_task_error"]["message"] == "no such customer"
    assert exporter.sample('agent_tasks_total{agent="py-verbose",outcome="failure"}') == 2


def test_beats_fail_over_to_the_next_exporter_and_stay_there(start_exporter: Callable[..., Exporter]) -> None:
    first = start_exporter()
    second = start_exporter()
    dead = f"http://127.0.0.1:{free_port()}"
    # A list, or one string with commas as the CLI's --url takes it.
    client = HeartbeatClient(f"{dead},{first.url}", "py-failover", retry=NO_WAIT)
    assert client.beat() is not None
    assert first.agent("py-failover")["metrics"]["heartbeats_total"] == 1
    assert client.stats.failures == 0, "the dead exporter is passed over within the same attempt"

    client = HeartbeatClient([first.url, second.url], "py-failover-2", retry=NO_WAIT)
    assert client.beat() is not None
    first.stop()
    assert client.beat() is not None and client.beat() is not None
    assert second.agent("py-failover-2")["metrics"]["heartbeats_total"] == 2
    assert client.stats.failures == 0 and client.stats.delivered == 3


def test_an_empty_url_list_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one exporter"):
        HeartbeatClient(" , ", "py-nowhere")
