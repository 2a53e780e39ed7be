"""What an agent reports between two heartbeats, and how it becomes a heartbeat body."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


MAX_ERROR_CHARS = 512
"""A task's ``error`` text is cut to this many characters (the exporter keeps at most 512 bytes of it)."""


def bound_error(text: str) -> str:
    """``text`` cut to :data:`MAX_ERROR_CHARS` characters."""
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS - 1] + "…"


def describe_exception(error: BaseException) -> str:
    """``Type: message`` of an exception (just ``Type`` when it has no message), bounded."""
    message = str(error)
    return bound_error(f"{type(error).__name__}: {message}" if message else type(error).__name__)


@dataclass
class UsageBuffer:
    """Task reports and metric deltas collected since the last heartbeat.

    ``tasks`` become the beat's ``tasks`` array; ``cost_usd``, ``tokens`` and ``errors`` are the deltas of
    ``metrics`` that no task carried; the gauges are current values, sent with every beat once set.
    """

    tasks: List[Dict[str, Any]] = field(default_factory=list)
    cost_usd: float = 0.0
    tokens: int = 0
    errors: int = 0

    def add_task(self, success: bool, latency_ms: Optional[float], cost_usd: Optional[float],
                 tokens: Optional[int], error: Optional[str] = None) -> None:
        """Records one finished task; ``error`` (why it failed) is kept only for a failure."""
        task: Dict[str, Any] = {"success": bool(success)}
        if error and not success:
            task["error"] = bound_error(error)
        if latency_ms is not None:
            task["latency_ms"] = float(latency_ms)
        if cost_usd is not None:
            task["cost_usd"] = float(cost_usd)
        if tokens is not None:
            task["tokens"] = int(tokens)
        self.tasks.append(task)

    def add_deltas(self, cost_usd: Optional[float], tokens: Optional[int], errors: Optional[int]) -> None:
        """Adds spending and errors that belong to no single task."""
        self.cost_usd += float(cost_usd or 0)
        self.tokens += int(tokens or 0)
        self.errors += int(errors or 0)

    def has_news(self) -> bool:
        """True when something was reported since the last beat."""
        return bool(self.tasks) or self.cost_usd > 0 or self.tokens > 0 or self.errors > 0

    def take(self) -> "UsageBuffer":
        """Returns what was collected and empties the buffer."""
        taken = UsageBuffer(self.tasks, self.cost_usd, self.tokens, self.errors)
        self.tasks, self.cost_usd, self.tokens, self.errors = [], 0.0, 0, 0
        return taken


@dataclass
class Gauges:
    """Current values an agent reports with every beat (absent until set)."""

    queue_depth: Optional[int] = None
    active_tasks: Optional[int] = None
    memory_bytes: Optional[int] = None
    current_task: Optional[str] = None
    task_progress: Optional[float] = None
    status: Optional[str] = None


@dataclass(frozen=True)
class Identity:
    """Who is beating: sent unchanged with every beat of one run."""

    agent: str
    agent_type: Optional[str]
    host: Optional[str]
    run_id: str
    labels: Dict[str, str]


def heartbeat_body(identity: Identity, seq: int, interval: Optional[float], usage: UsageBuffer,
                   gauges: Gauges) -> Dict[str, Any]:
    """The heartbeat JSON object (see the exporter's README, "Send a heartbeat")."""
    body: Dict[str, Any] = {"agent": identity.agent, "run_id": identity.run_id, "seq": seq}
    optional = {"agent_type": identity.agent_type, "host": identity.host, "interval_seconds": interval,
                "current_task": gauges.current_task, "task_progress": gauges.task_progress,
                "status": gauges.status}
    body.update({key: value for key, value in optional.items() if value is not None})
    if identity.labels:
        body["labels"] = dict(identity.labels)
    if usage.tasks:
        body["tasks"] = list(usage.tasks)
    metrics: Dict[str, Any] = {"cost_usd": usage.cost_usd, "tokens": usage.tokens, "errors": usage.errors}
    current = {"queue_depth": gauges.queue_depth, "active_tasks": gauges.active_tasks,
               "memory_bytes": gauges.memory_bytes}
    metrics.update({key: value for key, value in current.items() if value is not None})
    body["metrics"] = metrics
    return body
