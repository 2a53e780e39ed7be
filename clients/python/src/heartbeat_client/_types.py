"""Values the client hands to its caller: beat replies, delivery counts, the record of a timed task."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Dict, Optional

AGENT_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
"""What the exporter accepts as an agent name (and agent type)."""


@dataclass(frozen=True)
class BeatReply:
    """The exporter's answer to one heartbeat.

    ``state`` is the agent's health as the exporter sees it (healthy, degraded, unreachable, recovering,
    maintenance, killed, stopped).
    ``killed`` is True when an operator killed the agent; then ``directive`` is ``"stop"``. ``duplicate`` is
    True when the exporter had already counted this ``seq`` (a retry whose first reply was lost).
    """

    agent: str
    state: str
    killed: bool
    seq: int
    duplicate: bool = False
    directive: Optional[str] = None

    @staticmethod
    def from_data(data: Dict[str, Any], seq: int) -> "BeatReply":
        """Reads the ``data`` of a heartbeat reply."""
        return BeatReply(agent=str(data.get("agent", "")), state=str(data.get("state", "")),
                         killed=data.get("killed") is True, seq=seq, duplicate=data.get("duplicate") is True,
                         directive=data.get("directive") if isinstance(data.get("directive"), str) else None)


@dataclass(frozen=True)
class DeliveryStats:
    """How delivery has gone since the client was made.

    ``delivered``: beats the exporter acknowledged (``duplicates`` of them were retries it had already
    counted). ``retries``: extra attempts after a failed one. ``failures``: beat or stop calls that gave up
    after their retries because the exporter could not be reached; their beats stay queued (``pending``) and
    go out, in order and with their original ``seq``, before the next beat. ``dropped``: beats given up for
    good, because the exporter refused them (4xx) or the queue was full.
    """

    delivered: int = 0
    duplicates: int = 0
    retries: int = 0
    failures: int = 0
    dropped: int = 0
    pending: int = 0
    last_error: Optional[str] = None


@dataclass
class TaskRecord:
    """One task timed by :meth:`HeartbeatClient.task`; set its cost and tokens while it runs.

    Set ``success = False`` (and, if you like, ``error`` to say why) to record a failure without raising; an
    exception raised out of the ``with`` block always records a failure, with ``Type: message`` of the
    exception as its error.
    """

    name: str
    cost_usd: float = 0.0
    tokens: int = 0
    success: Optional[bool] = None
    error: Optional[str] = None


def check_amount(name: str, value: Optional[float]) -> None:
    """Raises ``ValueError`` when a reported amount is negative or not a finite number."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
