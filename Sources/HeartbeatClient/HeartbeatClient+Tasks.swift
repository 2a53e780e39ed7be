extension HeartbeatClient {
    /// Times one task and reports it with the next beat; `current_task` shows `name` while it runs.
    ///
    /// The task counts as a failure when `body` throws (the error is rethrown unchanged) or calls
    /// ``TaskUsage/markFailed()``, else as a success. Spending added to `usage` is reported with it.
    /// `body` runs in the caller's isolation.
    public func task<T>(
        _ name: String, isolation: isolated (any Actor)? = #isolation, _ body: (TaskUsage) async throws -> T
    ) async rethrows -> T {
        let usage = TaskUsage()
        await setCurrentTask(name)
        let stopwatch = Stopwatch(clock)
        do {
            let value = try await body(usage)
            await finishTask(name, usage.snapshot, elapsed: stopwatch.elapsed(), threw: false)
            return value
        } catch {
            await finishTask(name, usage.snapshot, elapsed: stopwatch.elapsed(), threw: true)
            throw error
        }
    }

    /// Times one task that reports no spending of its own; like the overload whose `body` takes a ``TaskUsage``.
    public func task<T>(
        _ name: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async rethrows -> T {
        try await task(name, isolation: isolation) { (_: TaskUsage) in try await body() }
    }

    private func finishTask(_ name: String, _ usage: TaskUsage.State, elapsed: Duration, threw: Bool) {
        self.usage.tasks.append(
            TaskReport(
                success: !threw && !usage.failed, latencyMs: max(0, elapsed.seconds * 1000),
                costUSD: usage.costUSD > 0 ? usage.costUSD : nil, tokens: usage.tokens > 0 ? usage.tokens : nil))
        if gauges.currentTask == name {
            gauges.currentTask = nil
            gauges.taskProgress = nil
        }
    }
}

/// Measures elapsed time on an injected clock.
struct Stopwatch: Sendable {
    let elapsed: @Sendable () -> Duration

    init(_ clock: any Clock<Duration>) {
        elapsed = Self.start(clock)
    }

    private static func start<C: Clock<Duration>>(_ clock: C) -> @Sendable () -> Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }
}
