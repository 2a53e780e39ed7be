import Foundation
import Logging

/// Pushes heartbeats for one agent to a heartbeat-exporter.
///
/// Beat in the background with ``startHeartbeat(every:)``, or call ``beat()`` from the work loop (or both).
/// Task outcomes reported with ``reportMetric(success:latencyMs:costUSD:tokens:errors:)`` or timed with
/// `task(_:_:)` are buffered and sent with the next beat.
///
/// Nothing is thrown into the agent because the exporter is down or slow: the client logs (once per outage),
/// counts (``stats``), keeps undelivered beats queued and sends them, in order and with their original `seq`,
/// when the exporter is back. A retry re-sends the same `run_id` and `seq`, so the exporter counts a beat once
/// even when only its reply was lost.
///
/// When a reply says an operator killed the agent, `onKilled` is called once with it; the default logs a
/// warning and stops beating (``stopBeating()``). Call ``stop(reason:)`` on a planned shutdown: the exporter
/// then shows the agent `stopped` and raises no alert for it. Reports wait in the client for the next beat:
/// ``stop(reason:)`` sends them, so call it on every way out of the program (a crash loses them).
///
/// ```swift
/// let client = try HeartbeatClient(url: URL(string: "http://127.0.0.1:9747")!, agent: "summarizer")
/// await client.startHeartbeat(every: .seconds(30))
/// try await client.task("summarize #12") { usage in
///     usage.add(costUSD: 0.003, tokens: 512)
/// }
/// await client.stop()
/// ```
public actor HeartbeatClient {
    /// Called once when a reply says the agent was killed; receives that reply.
    public typealias KillHandler = @Sendable (BeatReply) async -> Void

    let identity: Identity
    /// The exporters' base URLs, in the order given.
    let bases: [URL]
    /// The index in ``bases`` of the exporter that answered last: the next request starts there.
    var currentBase = 0
    /// Where beats go, relative to a base URL.
    let beatPath = "api/v1/heartbeat"
    /// Where the planned stop goes, relative to a base URL.
    let stopPath: String
    let token: String?
    let retry: RetryPolicy
    let maxPending: Int
    let transport: any HeartbeatTransport
    let logger: Logger
    let clock: any Clock<Duration>
    let onKilled: KillHandler?

    var usage = UsageBuffer()
    var gauges = Gauges()
    var interval: Duration?
    var seq: UInt64 = 0
    /// Beats not yet acknowledged, oldest first.
    var queue: [(seq: UInt64, body: Data)] = []
    /// The delivery in progress or last finished; each new one waits for it, so beats leave in `seq` order.
    var lastDelivery: Task<(reply: BeatReply?, killed: Bool), Never>?
    var heartbeatLoop: Task<Void, Never>?
    var inOutage = false
    var halted = false
    var statsSoFar = DeliveryStats()

    /// True once a reply said an operator killed the agent (until a reply says otherwise).
    public internal(set) var killed = false

    /// Makes a client of one exporter; nothing is sent until the first beat.
    /// - Parameters:
    ///   - url: the exporter's base URL, e.g. `http://127.0.0.1:9747`.
    ///   - others: as in ``init(urls:agent:agentType:labels:token:host:interval:retry:maxPending:transport:logger:clock:onKilled:)``.
    /// - Throws: ``HeartbeatClientError`` for a malformed agent name or type.
    public init(
        url: URL, agent: String, agentType: String? = nil, labels: [String: String] = [:], token: String? = nil,
        host: String? = nil, interval: Duration? = nil, retry: RetryPolicy = RetryPolicy(), maxPending: Int = 100,
        transport: any HeartbeatTransport = URLSessionTransport(),
        logger: Logger = Logger(label: "heartbeat-client"), clock: any Clock<Duration> = ContinuousClock(),
        onKilled: KillHandler? = nil
    ) throws(HeartbeatClientError) {
        try self.init(
            urls: [url], agent: agent, agentType: agentType, labels: labels, token: token, host: host,
            interval: interval, retry: retry, maxPending: maxPending, transport: transport, logger: logger,
            clock: clock, onKilled: onKilled)
    }

    /// Makes a client; nothing is sent until the first beat.
    /// - Parameters:
    ///   - urls: the exporters' base URLs, e.g. `http://127.0.0.1:9747`; several when exporters share one
    ///     database: a request goes to the one that answered last (the first at the start) and fails over to the
    ///     others, in their order, while it cannot be reached or answers with a 5xx.
    ///   - agent: the agent's name, 1–128 of `[A-Za-z0-9_.:-]`.
    ///   - agentType: optional type (also selects per-type thresholds in the exporter's configuration).
    ///   - labels: at most 8 extra labels for `agent_info`.
    ///   - token: bearer token, when the exporter runs with `--web.ingest-token-file`.
    ///   - host: the host name to report (default: this machine's).
    ///   - interval: time between beats, sent as `interval_seconds` (set by ``startHeartbeat(every:)``).
    ///   - retry: attempts, backoff and timeout of each request.
    ///   - maxPending: most undelivered beats kept while the exporter is unreachable (oldest dropped first).
    ///   - transport: the HTTP call (default `URLSession`).
    ///   - logger: where delivery problems are logged.
    ///   - clock: times tasks and paces retries and the heartbeat loop.
    ///   - onKilled: called once when the agent is killed (default: log and stop beating).
    /// - Throws: ``HeartbeatClientError`` for a malformed agent name or type.
    /// - Throws: ``HeartbeatClientError`` for a malformed agent name or type, or no URL.
    public init(
        urls: [URL], agent: String, agentType: String? = nil, labels: [String: String] = [:], token: String? = nil,
        host: String? = nil, interval: Duration? = nil, retry: RetryPolicy = RetryPolicy(), maxPending: Int = 100,
        transport: any HeartbeatTransport = URLSessionTransport(),
        logger: Logger = Logger(label: "heartbeat-client"), clock: any Clock<Duration> = ContinuousClock(),
        onKilled: KillHandler? = nil
    ) throws(HeartbeatClientError) {
        try HeartbeatClientError.checkName(agent, argument: "agent")
        try HeartbeatClientError.checkName(agentType, argument: "agentType")
        guard !urls.isEmpty else { throw HeartbeatClientError.noURL }
        bases = urls
        // The name was checked above: it needs no escaping in a path.
        stopPath = "api/v1/agents/\(agent)/stop"
        identity = Identity(
            agent: agent, agentType: agentType, host: host ?? ProcessInfo.processInfo.hostName,
            runID: UUID().uuidString.lowercased(), labels: labels)
        self.token = token
        self.interval = interval
        self.retry = retry
        self.maxPending = max(1, maxPending)
        self.transport = transport
        self.logger = logger
        self.clock = clock
        self.onKilled = onKilled
    }

    /// The agent's name.
    public nonisolated var agent: String { identity.agent }

    /// This client's run id; a new client is a new run (the exporter counts it as a restart).
    public nonisolated var runID: String { identity.runID }

    /// Delivery counts: delivered, duplicates, retries, failures, dropped, pending.
    public var stats: DeliveryStats {
        var stats = statsSoFar
        stats.pending = queue.count
        return stats
    }

    /// Buffers a report for the next beat.
    ///
    /// With `success` it is one finished task (`tasks` in the heartbeat) with its optional latency, cost and
    /// tokens. Without it, `costUSD`, `tokens` and `errors` are spending and errors not tied to one task (the
    /// heartbeat's `metrics` deltas).
    /// - Throws: ``HeartbeatClientError`` for a negative or non-finite amount, or `latencyMs` without `success`.
    public func reportMetric(
        success: Bool? = nil, latencyMs: Double? = nil, costUSD: Double? = nil, tokens: Int? = nil, errors: Int? = nil
    ) throws(HeartbeatClientError) {
        try HeartbeatClientError.checkAmount(latencyMs, argument: "latencyMs")
        try HeartbeatClientError.checkAmount(costUSD, argument: "costUSD")
        try HeartbeatClientError.checkCount(tokens, argument: "tokens")
        try HeartbeatClientError.checkCount(errors, argument: "errors")
        if success == nil, latencyMs != nil {
            throw HeartbeatClientError(argument: "latencyMs", problem: "describes a task: pass success with it")
        }
        usage.errors += errors ?? 0
        guard let success else {
            usage.costUSD += costUSD ?? 0
            usage.tokens += tokens ?? 0
            return
        }
        usage.tasks.append(TaskReport(success: success, latencyMs: latencyMs, costUSD: costUSD, tokens: tokens))
    }

    /// Sets current values sent with every following beat; arguments left nil keep their value.
    /// - Throws: ``HeartbeatClientError`` for a negative value.
    public func setGauges(queueDepth: Int? = nil, activeTasks: Int? = nil, memoryBytes: Int? = nil)
        throws(HeartbeatClientError)
    {
        try HeartbeatClientError.checkCount(queueDepth, argument: "queueDepth")
        try HeartbeatClientError.checkCount(activeTasks, argument: "activeTasks")
        try HeartbeatClientError.checkCount(memoryBytes, argument: "memoryBytes")
        gauges.queueDepth = queueDepth ?? gauges.queueDepth
        gauges.activeTasks = activeTasks ?? gauges.activeTasks
        gauges.memoryBytes = memoryBytes ?? gauges.memoryBytes
    }

    /// Sets what the agent works on (`current_task`) and how far along it is (clamped to 0–1); nil clears.
    public func setCurrentTask(_ name: String?, progress: Double? = nil) {
        gauges.currentTask = name
        gauges.taskProgress = progress.map { min(max($0, 0), 1) }
    }

    /// The agent's own view of its health, sent as `status`.
    public func setStatus(_ status: SelfReportedStatus?) {
        gauges.status = status?.rawValue
    }
}

/// What an agent may report about itself in `status`; the exporter's health comes from heartbeat age.
public enum SelfReportedStatus: String, Sendable, CaseIterable {
    case healthy, degraded, unhealthy
}
