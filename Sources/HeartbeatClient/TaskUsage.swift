import Synchronization

/// What a task timed by `HeartbeatClient.task(_:_:)` spent, set while it runs.
public final class TaskUsage: Sendable {
    struct State {
        var costUSD: Double = 0
        var tokens = 0
        var failed = false
        var error: String?
    }

    /// Protects what the task reported so far.
    private let state = Mutex(State())

    init() {}

    /// Adds spending to the task; negative or non-finite amounts are ignored.
    public func add(costUSD: Double = 0, tokens: Int = 0) {
        state.withLock { state in
            if costUSD.isFinite, costUSD > 0 { state.costUSD += costUSD }
            if tokens > 0 { state.tokens += tokens }
        }
    }

    /// Records the task as failed without throwing out of it; `error` says why (cut to 512 characters; the
    /// exporter shows the latest as the agent's `last_task_error`).
    public func markFailed(_ error: String? = nil) {
        state.withLock { state in
            state.failed = true
            if let error { state.error = error }
        }
    }

    var snapshot: State { state.withLock { $0 } }
}
