import Model

/// One agent's activity over one 5-minute bucket, as kept in storage (`agent_activity`) and served by
/// `GET /api/v1/agents/{agent}/activity`.
///
/// Buckets are aligned to multiples of ``width`` since the epoch, so every agent's buckets line up. A bucket is kept
/// only when the agent beat in it; a silent agent's state over time is read from its transitions instead. A bucket
/// may be written in parts (the exporter stopped while it was open): storage adds the parts up (``merged(with:)``).
public struct ActivityBucket: Sendable, Equatable {
    /// The width of every bucket: 5 minutes.
    public static let width = PrometheusDuration.minutes(5)

    /// The agent.
    public var agent: String
    /// The start of the bucket (a multiple of ``width``).
    public var start: Timestamp
    /// Heartbeats counted in the bucket.
    public var beats: Int
    /// Tasks reported successful in the bucket.
    public var tasksSucceeded: Int
    /// Tasks reported failed in the bucket.
    public var tasksFailed: Int
    /// Cost reported in the bucket, in US dollars.
    public var costUSD: Double
    /// Tokens reported in the bucket.
    public var tokens: Double
    /// An estimate of the 95th percentile of the tasks' `latency_ms` in the bucket, in seconds (within the width of
    /// one ``LatencySketch`` bin); nil when no task reported a latency.
    public var latencyP95Seconds: Double?
    /// The agent's state at the end of the bucket (for a bucket still open: now).
    public var state: HealthState

    /// Creates a bucket.
    public init(
        agent: String, start: Timestamp, beats: Int = 0, tasksSucceeded: Int = 0, tasksFailed: Int = 0,
        costUSD: Double = 0, tokens: Double = 0, latencyP95Seconds: Double? = nil, state: HealthState
    ) {
        self.agent = agent
        self.start = start
        self.beats = beats
        self.tasksSucceeded = tasksSucceeded
        self.tasksFailed = tasksFailed
        self.costUSD = costUSD
        self.tokens = tokens
        self.latencyP95Seconds = latencyP95Seconds
        self.state = state
    }

    /// The end of the bucket (exclusive).
    public var end: Timestamp { start + Self.width }

    /// The start of the bucket that holds `time`.
    public static func start(of time: Timestamp) -> Timestamp {
        let width = width.milliseconds
        let milliseconds = time.milliseconds
        let remainder = ((milliseconds % width) + width) % width
        return Timestamp(milliseconds: milliseconds - remainder)
    }

    /// This bucket with `later`'s counts added: a bucket written in parts (one before a restart, one after) reads as
    /// one. The estimate of the 95th percentile is the larger of the two; the state is `later`'s.
    public func merged(with later: ActivityBucket) -> ActivityBucket {
        var sum = later
        sum.beats += beats
        sum.tasksSucceeded += tasksSucceeded
        sum.tasksFailed += tasksFailed
        sum.costUSD += costUSD
        sum.tokens += tokens
        if let mine = latencyP95Seconds { sum.latencyP95Seconds = max(mine, later.latencyP95Seconds ?? mine) }
        return sum
    }
}
