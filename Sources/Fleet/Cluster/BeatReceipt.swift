import Model

/// What one counted heartbeat added to its agent's counters, kept until the next drain so that a shared database can
/// apply it once: the beat's `run_id` + `seq` identify it across exporters (a beat retried to another node carries
/// the same pair), and the counters move by ``deltas`` only when that pair is new to the database.
///
/// A single exporter on SQLite writes whole rows and ignores receipts; PostgreSQL applies them with conditional
/// updates (issue 20), so two nodes counting the same agent add up instead of overwriting each other.
public struct BeatReceipt: Sendable, Equatable {
    /// The agent the beat was for.
    public var agent: String
    /// The beat's `run_id`, nil when it had none (such a beat is always counted).
    public var runID: String?
    /// The beat's `seq`, nil when it had none (such a beat is always counted).
    public var seq: UInt64?
    /// When the beat arrived.
    public var at: Timestamp
    /// What the beat added: one heartbeat, its tasks, cost, tokens and errors, and a restart when its `run_id` was new
    /// to this exporter (the database counts the restart only when the run is new to it too).
    public var deltas: AgentCounters
    /// The task durations the beat reported, in the agent's histogram bounds; nil when it reported none. Storage
    /// adds them to the stored histogram as it adds ``deltas`` to the counters.
    public var durations: DurationHistogram?
    /// True when the beat revived a stopped agent: its row's stop is lifted in the shared database too.
    public var revived: Bool

    /// Creates the receipt of one counted beat.
    public init(
        agent: String, runID: String?, seq: UInt64?, at: Timestamp, deltas: AgentCounters,
        durations: DurationHistogram? = nil, revived: Bool = false
    ) {
        self.agent = agent
        self.runID = runID
        self.seq = seq
        self.at = at
        self.deltas = deltas
        self.durations = durations
        self.revived = revived
    }

    /// Whether a retry of this beat can be recognised: it has both `run_id` and `seq`.
    public var isIdentified: Bool { runID != nil && seq != nil }
}

extension AgentCounters {
    /// The counters' growth from `before` to `self`.
    public func subtracting(_ before: AgentCounters) -> AgentCounters {
        var delta = AgentCounters()
        delta.heartbeats = heartbeats - before.heartbeats
        delta.restarts = restarts - before.restarts
        delta.tasksSucceeded = tasksSucceeded - before.tasksSucceeded
        delta.tasksFailed = tasksFailed - before.tasksFailed
        delta.costUSD = costUSD - before.costUSD
        delta.tokens = tokens - before.tokens
        delta.errors = errors - before.errors
        return delta
    }

    /// The sum of these counters and `other`.
    public func adding(_ other: AgentCounters) -> AgentCounters {
        var sum = self
        sum.heartbeats += other.heartbeats
        sum.restarts += other.restarts
        sum.tasksSucceeded += other.tasksSucceeded
        sum.tasksFailed += other.tasksFailed
        sum.costUSD += other.costUSD
        sum.tokens += other.tokens
        sum.errors += other.errors
        return sum
    }
}
