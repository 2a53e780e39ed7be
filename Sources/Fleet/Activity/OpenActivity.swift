import Model

/// The activity bucket an agent is filling now, kept in its ``AgentRecord`` (memory only) until the maintenance
/// thread closes it into an ``ActivityBucket`` (``AgentRegistry/closeActivity(at:scanAll:)``).
public struct OpenActivity: Sendable, Equatable {
    /// The start of the bucket.
    public var start: Timestamp
    /// Heartbeats counted.
    public var beats = 0
    /// Tasks reported successful.
    public var tasksSucceeded = 0
    /// Tasks reported failed.
    public var tasksFailed = 0
    /// Cost reported, in US dollars.
    public var costUSD = 0.0
    /// Tokens reported.
    public var tokens = 0.0
    /// The tasks' latencies.
    public var latencies = LatencySketch()

    /// An empty bucket starting at `start`.
    public init(start: Timestamp) {
        self.start = start
    }

    /// Adds one counted beat: its tasks (with their latencies) and how much the agent's cost and tokens grew.
    public mutating func add(_ beat: Heartbeat, costDelta: Double, tokensDelta: Double) {
        beats += 1
        for task in beat.tasks {
            if task.success { tasksSucceeded += 1 } else { tasksFailed += 1 }
            if let milliseconds = task.latencyMilliseconds { latencies.observe(milliseconds / 1000) }
        }
        costUSD += costDelta
        tokens += tokensDelta
    }

    /// The bucket as stored, with the agent's `state` at its end.
    public func closed(agent: String, state: HealthState) -> ActivityBucket {
        ActivityBucket(
            agent: agent, start: start, beats: beats, tasksSucceeded: tasksSucceeded, tasksFailed: tasksFailed,
            costUSD: costUSD, tokens: tokens, latencyP95Seconds: latencies.quantile(0.95), state: state)
    }
}
