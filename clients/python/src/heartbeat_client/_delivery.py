"""Delivery of heartbeats: in ``seq`` order, retried with backoff under the same ``seq``, counted, logged once
per outage."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Optional, Sequence, Tuple

from ._transport import DeliveryError, Poster, Reply
from ._types import BeatReply, DeliveryStats


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently one request is retried: ``retries`` extra attempts, waiting ``backoff``
    seconds before the first and doubling up to ``max_backoff``; ``timeout`` bounds each attempt."""

    retries: int = 2
    backoff: float = 0.25
    max_backoff: float = 5.0
    timeout: float = 5.0


class Endpoints:
    """The exporter's base URLs, several when exporters share one database: a request goes to the one that
    answered last (the first at the start) and fails over to the others, in their order, while it cannot be
    reached or answers with a 5xx."""

    def __init__(self, bases: Sequence[str]) -> None:
        cleaned = [base.strip().rstrip("/") for base in bases if base.strip()]
        if not cleaned:
            raise ValueError("url must name at least one exporter")
        self._bases: List[str] = cleaned
        self._current = 0
        self._lock = threading.Lock()

    @staticmethod
    def parse(url: "str | Sequence[str]") -> "Endpoints":
        """One URL, several separated by commas (as the CLI's ``--url a,b``), or a list of them."""
        return Endpoints(url.split(",") if isinstance(url, str) else list(url))

    @property
    def bases(self) -> List[str]:
        """Every base URL, in the order given."""
        return list(self._bases)

    def in_order(self) -> List[int]:
        """The indices to try: the one that answered last, then the others in their order."""
        with self._lock:
            current = self._current
        return [current] + [index for index in range(len(self._bases)) if index != current]

    def url(self, index: int, path: str) -> str:
        """``path`` on the exporter at ``index``."""
        return self._bases[index] + path

    def answered(self, index: int) -> None:
        """Remembers that the exporter at ``index`` answered: the next request starts there."""
        with self._lock:
            self._current = index


class Courier:
    """Sends queued beats oldest first; a beat that cannot be delivered stays queued with its ``seq``.

    Callers serialize :meth:`enqueue` and :meth:`flush` (the client holds its send lock around them);
    :meth:`stats` may be read from any thread.
    """

    def __init__(self, poster: Poster, token: Optional[str], policy: RetryPolicy, max_pending: int,
                 sleep: Callable[[float], None], log: logging.Logger,
                 endpoints: Optional[Endpoints] = None) -> None:
        self._poster = poster
        self._endpoints = endpoints or Endpoints([""])
        self._token = token
        self._policy = policy
        self._sleep = sleep
        self._log = log
        self._queue: Deque[Tuple[int, str, Dict[str, Any]]] = deque()
        self._max_pending = max(1, max_pending)
        self._in_outage = False
        # Protects _stats, which other threads read through stats().
        self._stats_lock = threading.Lock()
        self._stats = DeliveryStats()

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy of every request unless one is given."""
        return self._policy

    def stats(self) -> DeliveryStats:
        """A snapshot of the delivery counts."""
        with self._stats_lock:
            return dataclasses.replace(self._stats, pending=len(self._queue))

    def enqueue(self, seq: int, path: str, body: Dict[str, Any]) -> None:
        """Queues a beat for ``path``; when the queue is full the oldest beat is dropped."""
        self._queue.append((seq, path, body))
        while len(self._queue) > self._max_pending:
            dropped_seq, _, _ = self._queue.popleft()
            self._count(dropped=1)
            self._log.warning("heartbeat queue full (%d beats): dropped beat seq=%d", self._max_pending, dropped_seq)

    def flush(self, policy: Optional[RetryPolicy] = None) -> Tuple[Optional[BeatReply], bool]:
        """Delivers queued beats oldest first, each request under ``policy`` (default: the client's).

        Returns the reply to the newest beat delivered (None when none was) and whether the exporter said the
        agent is killed; delivery stops at the first kill reply, leaving later beats queued.
        """
        newest: Optional[BeatReply] = None
        while self._queue:
            seq, path, body = self._queue[0]
            try:
                reply = self.post(path, body, policy)
            except DeliveryError:
                self._queue.popleft()
                continue
            if reply is None:
                return newest, False
            self._queue.popleft()
            newest = BeatReply.from_data(reply.data, seq)
            self._count(delivered=1, duplicates=int(newest.duplicate))
            if newest.killed:
                return newest, True
        return newest, False

    def discard_pending(self) -> None:
        """Forgets queued beats (the agent stopped beating on purpose)."""
        self._queue.clear()

    def post(self, path: str, body: Dict[str, Any], policy: Optional[RetryPolicy] = None) -> Optional[Reply]:
        """One request to ``path``, retried with backoff under ``policy`` (default: the client's) while no exporter
        can be reached; each attempt tries every exporter (see :class:`Endpoints`).

        Returns None when it stayed unreachable (counted as a failure and logged once per outage).
        Raises :class:`DeliveryError` when an exporter refused the request (counted as dropped, logged).
        """
        policy = policy or self._policy
        delay = policy.backoff
        for attempt in range(policy.retries + 1):
            if attempt > 0:
                self._count(retries=1)
                self._sleep(delay)
                delay = min(delay * 2, policy.max_backoff)
            try:
                reply = self._post_anywhere(path, body, policy)
            except DeliveryError as error:
                if not error.retryable:
                    self._refused(path, error)
                    raise
                last_error = error
                continue
            self._recovered()
            return reply
        self._unreachable(last_error, policy)
        return None

    def _post_anywhere(self, path: str, body: Dict[str, Any], policy: RetryPolicy) -> Reply:
        """Sends to the exporters in :meth:`Endpoints.in_order` until one answers; raises the last retryable
        error when none did, a refusal at once."""
        last_error: Optional[DeliveryError] = None
        for index in self._endpoints.in_order():
            url = self._endpoints.url(index, path)
            try:
                reply = self._poster(url, body, self._token, policy.timeout)
            except DeliveryError as error:
                if not error.retryable:
                    raise
                if last_error is not None or len(self._endpoints.bases) > 1:
                    self._log.debug("exporter %s failed (%s); trying the next", url, error)
                last_error = error
                continue
            self._endpoints.answered(index)
            return reply
        assert last_error is not None
        raise last_error

    def _refused(self, url: str, error: DeliveryError) -> None:
        self._count(dropped=1, last_error=str(error))
        self._log.error("the exporter refused %s (%s); not retrying", url, error)

    def _unreachable(self, error: DeliveryError, policy: RetryPolicy) -> None:
        self._count(failures=1, last_error=str(error))
        if not self._in_outage:
            self._log.warning("heartbeat delivery failed after %d attempts: %s; the agent keeps working and the "
                              "beat is sent again later", policy.retries + 1, error)
        else:
            self._log.debug("heartbeat delivery still failing: %s", error)
        self._in_outage = True

    def _recovered(self) -> None:
        if self._in_outage:
            self._log.info("heartbeats are delivered again (%d beats were queued)", len(self._queue))
        self._in_outage = False

    def _count(self, last_error: Optional[str] = None, **increments: int) -> None:
        with self._stats_lock:
            values = {name: getattr(self._stats, name) + amount for name, amount in increments.items()}
            if last_error is not None:
                values["last_error"] = last_error
            self._stats = dataclasses.replace(self._stats, **values)
