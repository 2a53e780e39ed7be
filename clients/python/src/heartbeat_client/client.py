"""The heartbeat client an agent embeds: beats, task reports, kill handling, graceful stop."""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import logging
import socket
import threading
import time
import urllib.parse
import uuid
import weakref
from typing import Callable, Iterator, Mapping, Optional, Sequence, Tuple, Union

from ._delivery import Courier, Endpoints, RetryPolicy
from ._transport import DeliveryError, Poster, configured_poster, post_json
from ._types import AGENT_NAME, BeatReply, DeliveryStats, TaskRecord, check_amount
from ._usage import Gauges, Identity, UsageBuffer, bound_error, describe_exception, heartbeat_body

KillHandler = Callable[[BeatReply], None]
"""Called once when a reply says an operator killed the agent; receives that reply."""

_LIVE_CLIENTS: "weakref.WeakSet[HeartbeatClient]" = weakref.WeakSet()
"""Every client not yet garbage-collected, so that the exit hook can send what each still holds."""


@atexit.register
def _send_what_clients_hold() -> None:
    """At interpreter exit (also after an unhandled exception), each client sends its last beat."""
    for client in list(_LIVE_CLIENTS):
        client._beat_at_exit()


class HeartbeatClient:
    """Pushes heartbeats for one agent to a heartbeat-exporter.

    Beat from a daemon thread with :meth:`start_heartbeat`, or call :meth:`beat` from the work loop (or both).
    Task outcomes reported with :meth:`report_metric` or timed with :meth:`task` are buffered and sent with the
    next beat. The client never raises into the caller because the exporter is down or slow: it logs, counts
    (:attr:`stats`), keeps undelivered beats queued and sends them, with their original ``seq``, when the
    exporter is back; a retried beat is counted once by the exporter.

    When a reply says the agent was killed by an operator, ``on_killed`` is called once with that reply. The
    default logs a warning and stops beating (:meth:`stop_beating`); the agent may check :attr:`killed` to stop
    its own work. Call :meth:`stop` on a planned shutdown: the exporter then shows the agent ``stopped`` and
    raises no alert for it.

    When the Python process exits without :meth:`stop` (the main code returned, or died of an unhandled
    exception such as one raised out of :meth:`task`), an exit hook sends what the client still holds in one
    last beat (one attempt, no retries); the agent is not deregistered, so its silence alerts as usual. A
    process killed by a signal it does not handle (SIGKILL, or SIGTERM without a handler) runs no exit hook
    and loses what was reported since its last beat.

    Thread-safe: any method may be called from any thread.
    """

    def __init__(self, url: Union[str, Sequence[str]], agent: str, *, agent_type: Optional[str] = None,
                 labels: Optional[Mapping[str, str]] = None, token: Optional[str] = None,
                 host: Optional[str] = None, interval: Optional[float] = None,
                 on_killed: Optional[KillHandler] = None, retry: RetryPolicy = RetryPolicy(),
                 max_pending: int = 100, logger: Optional[logging.Logger] = None, poster: Optional[Poster] = None,
                 basic_auth: Optional[Tuple[str, str]] = None, tls_ca_file: Optional[str] = None,
                 tls_cert_file: Optional[str] = None, tls_key_file: Optional[str] = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        """Makes a client; nothing is sent until the first beat.

        :param url: the exporter's base URL, e.g. ``http://127.0.0.1:9747``; or several (a list, or separated by
            commas) when exporters share one database: beats go to the one that answered last and fail over to the
            others, in order, while it cannot be reached or answers with a 5xx.
        :param agent: the agent's name, 1-128 of ``[A-Za-z0-9_.:-]``.
        :param agent_type: optional type (also selects per-type thresholds in the exporter's config).
        :param labels: at most 8 extra labels for ``agent_info``.
        :param token: bearer token, when the exporter runs with ``--web.ingest-token-file``.
        :param host: the host name to report (default: this machine's).
        :param interval: seconds between beats, sent as ``interval_seconds`` (set by :meth:`start_heartbeat`).
        :param on_killed: called once when the agent is killed (default: log and stop beating).
        :param retry: attempts, backoff and timeout of each request.
        :param max_pending: most undelivered beats kept while the exporter is unreachable.
        :param basic_auth: (user, password) when the exporter's ``--web.config.file`` sets ``basic_auth_users``;
            the token then travels in ``X-Heartbeat-Token``.
        :param tls_ca_file: PEM file of the CA that signed the exporter's certificate (for an ``https://`` url).
        :param tls_cert_file, tls_key_file: a client certificate and its key, when the exporter asks for one.
        :param poster, sleep, clock: the HTTP call, the pause between retries and the task timer (for tests).
        :raises ValueError: a malformed agent name or type, or a negative retry count.
        """
        for field, value in (("agent", agent), ("agent_type", agent_type)):
            if value is not None and not AGENT_NAME.match(value):
                raise ValueError(f"{field} must be 1-128 of [A-Za-z0-9_.:-], got {value!r}")
        if retry.retries < 0:
            raise ValueError(f"retry.retries must be >= 0, got {retry.retries}")
        endpoints = Endpoints.parse(url)
        self._beat_path = "/api/v1/heartbeat"
        self._stop_path = f"/api/v1/agents/{urllib.parse.quote(agent, safe='')}/stop"
        self._identity = Identity(agent=agent, agent_type=agent_type, host=host or socket.gethostname(),
                                  run_id=uuid.uuid4().hex, labels=dict(labels or {}))
        self._log = logger or logging.getLogger("heartbeat_client")
        if poster is None:
            poster = configured_poster(basic_auth, tls_ca_file, tls_cert_file, tls_key_file)
        # A token read from a file keeps its newline; it is not part of the token (the CLI trims it too).
        token = token.strip() if token is not None else None
        self._courier = Courier(poster, token, retry, max_pending, sleep, self._log, endpoints)
        self._on_killed: KillHandler = on_killed or self._default_on_killed
        self._clock = clock
        # Protects the fields below it: what the next beat will carry, and the client's lifecycle flags.
        self._lock = threading.Lock()
        self._usage = UsageBuffer()
        self._gauges = Gauges()
        self._seq = 0
        self._interval = interval
        self._killed = False
        self._halted = False
        self._thread: Optional[threading.Thread] = None
        self._wake = threading.Event()
        # Serializes delivery so that beats leave in seq order; taken before _lock, never inside it.
        self._send_lock = threading.Lock()
        _LIVE_CLIENTS.add(self)

    @property
    def agent(self) -> str:
        """The agent's name."""
        return self._identity.agent

    @property
    def run_id(self) -> str:
        """This process's run id; a new client is a new run (the exporter counts it as a restart)."""
        return self._identity.run_id

    @property
    def killed(self) -> bool:
        """True once a reply said an operator killed the agent (until a reply says otherwise)."""
        with self._lock:
            return self._killed

    @property
    def stats(self) -> DeliveryStats:
        """Delivery counts: delivered, duplicates, retries, failures, dropped, pending."""
        return self._courier.stats()

    def beat(self) -> Optional[BeatReply]:
        """Sends a heartbeat now, with everything reported since the last one.

        Returns the exporter's reply, or None when it could not be delivered (the beat stays queued) or the
        client has stopped beating. Never raises because the exporter is unreachable; an exception raised by
        ``on_killed`` does propagate.
        """
        return self._send_beat(None)

    def _send_beat(self, policy: Optional[RetryPolicy]) -> Optional[BeatReply]:
        with self._send_lock:
            with self._lock:
                if self._halted:
                    return None
                self._seq += 1
                body = heartbeat_body(self._identity, self._seq, self._interval, self._usage.take(), self._gauges)
            self._courier.enqueue(body["seq"], self._beat_path, body)
            reply, killed = self._courier.flush(policy)
        self._note_kill_state(reply, killed)
        return reply

    def report_metric(self, *, success: Optional[bool] = None, latency_ms: Optional[float] = None,
                      cost_usd: Optional[float] = None, tokens: Optional[int] = None,
                      errors: Optional[int] = None, error: Optional[str] = None) -> None:
        """Buffers a report for the next beat.

        With ``success`` it is one finished task (``tasks`` in the heartbeat) with its optional latency, cost,
        tokens and, for a failure, ``error`` (why it failed; cut to 512 characters; the exporter shows the latest
        as the agent's ``last_task_error``). Without it, ``cost_usd``, ``tokens`` and ``errors`` are spending and
        errors not tied to one task (the heartbeat's ``metrics`` deltas).

        :raises ValueError: a negative or non-finite amount, or ``latency_ms`` or ``error`` without ``success``.
        """
        for name, value in (("latency_ms", latency_ms), ("cost_usd", cost_usd), ("tokens", tokens),
                            ("errors", errors)):
            check_amount(name, value)
        if success is None and latency_ms is not None:
            raise ValueError("latency_ms describes a task: pass success=True or success=False with it")
        if success is None and error is not None:
            raise ValueError("error describes a task: pass success=False with it")
        with self._lock:
            if success is None:
                self._usage.add_deltas(cost_usd, tokens, errors)
                return
            self._usage.add_task(success, latency_ms, cost_usd, tokens, error)
            self._usage.add_deltas(None, None, errors)

    def set_gauges(self, *, queue_depth: Optional[int] = None, active_tasks: Optional[int] = None,
                   memory_bytes: Optional[int] = None) -> None:
        """Sets current values sent with every following beat; arguments left out keep their value."""
        for name, value in (("queue_depth", queue_depth), ("active_tasks", active_tasks),
                            ("memory_bytes", memory_bytes)):
            check_amount(name, value)
        with self._lock:
            if queue_depth is not None:
                self._gauges.queue_depth = int(queue_depth)
            if active_tasks is not None:
                self._gauges.active_tasks = int(active_tasks)
            if memory_bytes is not None:
                self._gauges.memory_bytes = int(memory_bytes)

    def set_current_task(self, name: Optional[str], progress: Optional[float] = None) -> None:
        """Sets what the agent works on (``current_task``) and how far along it is (0-1); None clears."""
        if progress is not None and not 0 <= progress <= 1:
            raise ValueError(f"progress must be between 0 and 1, got {progress!r}")
        with self._lock:
            self._gauges.current_task = name
            self._gauges.task_progress = progress

    def set_status(self, status: Optional[str]) -> None:
        """The agent's own view of its health, sent as ``status``: healthy, degraded or unhealthy."""
        if status not in (None, "healthy", "degraded", "unhealthy"):
            raise ValueError(f"status must be healthy, degraded or unhealthy, got {status!r}")
        with self._lock:
            self._gauges.status = status

    @contextlib.contextmanager
    def task(self, name: str) -> Iterator[TaskRecord]:
        """Times one task and reports it with the next beat: ``with client.task("refund #12") as t: ...``.

        The task counts as a failure when the block raises (any exception, also ``KeyboardInterrupt``; it
        propagates unchanged) with ``Type: message`` of the exception as the task's error, or when the block
        sets ``t.success = False`` (with ``t.error`` as the error, if set); else as a success. ``t.cost_usd``
        and ``t.tokens`` set in the block are reported with it. ``current_task`` shows ``name`` while the block
        runs. When the exception ends the process, the exit hook sends the failure in a last beat.
        """
        record = TaskRecord(name)
        self.set_current_task(name)
        started = self._clock()
        try:
            yield record
        except BaseException as error:
            self._finish(dataclasses.replace(record, error=describe_exception(error)), started, success=False)
            raise
        self._finish(record, started, success=record.success is not False)

    def _finish(self, record: TaskRecord, started: float, success: bool) -> None:
        latency_ms = max(0.0, (self._clock() - started) * 1000)
        error = bound_error(str(record.error)) if record.error is not None and not success else None
        self.report_metric(success=success, latency_ms=latency_ms, cost_usd=record.cost_usd or None,
                           tokens=record.tokens or None, error=error)
        with self._lock:
            if self._gauges.current_task == record.name:
                self._gauges.current_task = None
                self._gauges.task_progress = None

    def start_heartbeat(self, interval: float = 30.0) -> None:
        """Beats every ``interval`` seconds on a daemon thread (first beat right away); the exporter judges
        the agent against this interval (degraded after 3 missed, unreachable after 10). Calling it again
        changes the interval."""
        if interval <= 0:
            raise ValueError(f"interval must be above 0 seconds, got {interval!r}")
        with self._lock:
            self._interval = float(interval)
            if self._halted or (self._thread is not None and self._thread.is_alive()):
                return
            self._wake.clear()
            self._thread = threading.Thread(target=self._beat_forever, name=f"heartbeat-{self.agent}", daemon=True)
            self._thread.start()

    def _beat_forever(self) -> None:
        while not self._wake.is_set():
            try:
                self.beat()
            except Exception:  # an on_killed that raises must not end the agent's heartbeats silently
                self._log.exception("heartbeat failed")
            with self._lock:
                interval = self._interval or 30.0
            self._wake.wait(interval)

    def stop_beating(self) -> None:
        """Stops the heartbeat thread and makes :meth:`beat` a no-op, without telling the exporter.

        The default reaction to a kill. Use :meth:`stop` for a planned shutdown instead.
        """
        with self._lock:
            self._halted = True
            thread = self._thread
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
        with self._send_lock:
            self._courier.discard_pending()

    def stop(self, reason: str = "agent shut down") -> bool:
        """Deregisters gracefully: sends what is still buffered, then tells the exporter the agent stops on
        purpose (state ``stopped``, no alerts). Beating ends; a later beat from a new client revives the agent.

        Returns True when the exporter acknowledged the stop; never raises because it is unreachable.
        """
        with self._lock:
            was_halted = self._halted
        if not was_halted:
            self._final_beat()
        self.stop_beating()
        with self._send_lock:
            try:
                reply = self._courier.post(self._stop_path, {"reason": reason, "by": self.agent})
            except DeliveryError:
                return False
        return reply is not None

    def _final_beat(self) -> None:
        with self._lock:
            has_news = self._usage.has_news()
        if has_news or self.stats.pending > 0:
            self.beat()

    def _beat_at_exit(self) -> None:
        """Sends what is buffered or queued in one beat, one attempt only (the process is exiting), then ends
        beating. Never raises: a failure is logged."""
        with self._lock:
            needed = not self._halted and (self._usage.has_news() or self._courier.stats().pending > 0)
        try:
            if needed:
                self._send_beat(dataclasses.replace(self._courier.policy, retries=0))
        except Exception:  # an on_killed that raises, at exit: nothing is left to propagate it to
            self._log.exception("last heartbeat at exit failed")
        with self._lock:
            self._halted = True
        self._wake.set()

    def _note_kill_state(self, reply: Optional[BeatReply], killed: bool) -> None:
        if reply is None:
            return
        with self._lock:
            newly_killed = killed and not self._killed
            self._killed = killed
        if newly_killed:
            self._on_killed(reply)

    def _default_on_killed(self, reply: BeatReply) -> None:
        self._log.warning("agent %s was killed by an operator (directive %r): heartbeats stop", reply.agent,
                          reply.directive)
        self.stop_beating()
