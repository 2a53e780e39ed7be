import Model

/// An agent's recent task outcomes: failures in a row, when it last succeeded and failed, and how long its latest
/// task took. Exposed as `agent_consecutive_failures`, `agent_last_success_timestamp_seconds`,
/// `agent_last_failure_timestamp_seconds` and `agent_last_task_duration_seconds`.
public struct TaskStreak: Sendable, Equatable {
    /// Tasks failed in a row; 0 after a success.
    public var consecutiveFailures: Double = 0
    /// When the beat that carried the latest successful task arrived.
    public var lastSuccessAt: Timestamp?
    /// When the beat that carried the latest failed task arrived.
    public var lastFailureAt: Timestamp?
    /// The `latency_ms` of the latest task that reported one, in seconds.
    public var lastTaskDurationSeconds: Double?

    public init() {}

    /// Counts one task reported by a beat that arrived at `time`, in the order the beat lists them.
    mutating func record(_ task: TaskReport, at time: Timestamp) {
        if task.success {
            consecutiveFailures = 0
            lastSuccessAt = time
        } else {
            consecutiveFailures += 1
            lastFailureAt = time
        }
        if let latency = task.latencyMilliseconds { lastTaskDurationSeconds = latency / 1000 }
    }
}
