import Synchronization

/// What a task timed by `HeartbeatClient.task(_:_:)` spent, set while it runs.
public final class TaskUsage: Sendable {
    struct State {
        var costUSD: Double = 0
        var tokens = 0
        var failed = false
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

    /// Records the task as failed without throwing out of it.
    public func markFailed() {
        state.withLock { $0.failed = true }
    }

    var snapshot: State { state.withLock { $0 } }
}
