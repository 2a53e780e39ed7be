extension HeartbeatClient {
    /// Times one task and reports it with the next beat; `current_task` shows `name` while it runs.
    ///
    /// The task counts as a failure when `body` throws (the error is rethrown unchanged; `Type: description`
    /// of it is reported as the task's `error`) or calls ``TaskUsage/markFailed(_:)``, else as a success.
    /// Spending added to `usage` is reported with it. `body` runs in the caller's isolation.
    ///
    /// The report waits in the client for the next beat: when the error ends the program, call
    /// ``stop(reason:)`` (or ``beat()``) on the way out, or it is lost with the process.
    public func task<T>(
        _ name: String, isolation: isolated (any Actor)? = #isolation, _ body: (TaskUsage) async throws -> T
    ) async rethrows -> T {
        let usage = TaskUsage()
        await setCurrentTask(name)
        let stopwatch = Stopwatch(clock)
        do {
            let value = try await body(usage)
            await finishTask(name, usage.snapshot, elapsed: stopwatch.elapsed(), thrown: nil)
            return value
        } catch {
            await finishTask(
                name, usage.snapshot, elapsed: stopwatch.elapsed(), thrown: TaskReport.describe(error))
            throw error
        }
    }

    /// Times one task that reports no spending of its own; like the overload whose `body` takes a ``TaskUsage``.
    public func task<T>(
        _ name: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async rethrows -> T {
        try await task(name, isolation: isolation) { (_: TaskUsage) in try await body() }
    }

    /// Buffers the finished task; `thrown` describes the error `body` threw, if it threw.
    private func finishTask(_ name: String, _ usage: TaskUsage.State, elapsed: Duration, thrown: String?) {
        let success = thrown == nil && !usage.failed
        self.usage.tasks.append(
            TaskReport(
                success: success, latencyMs: max(0, elapsed.seconds * 1000),
                costUSD: usage.costUSD > 0 ? usage.costUSD : nil, tokens: usage.tokens > 0 ? usage.tokens : nil,
                error: success ? nil : (thrown ?? usage.error).map(TaskReport.bounded)))
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
