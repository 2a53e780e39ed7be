import Foundation
import Testing

/// Runs each test of a suite on a thread of its own instead of Swift's cooperative pool: for suites whose
/// synchronous tests block for seconds (socket reads against a live server, waits for its timeouts). `swift test`
/// runs every test target in one process on a pool with as many threads as cores (two on CI), and two tests
/// blocking there stall every other test in the process. The test keeps its task (so `#expect` reports to it); only
/// its executor changes. Use as `@Suite(.onOwnThread)`.
struct OwnThreadTrait: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }
        let executor = ThreadExecutor()
        defer { executor.stop() }
        try await withTaskExecutorPreference(executor) { try await function() }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// Each test runs on a thread of its own (see `OwnThreadTrait`).
    static var onOwnThread: Self { Self() }
}

/// A task executor with one thread of its own, running the jobs given to it in order until stopped.
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` and `stopped` are guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    init() {
        Thread { [self] in
            Thread.current.name = "test-own-thread"
            run()
        }.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    /// Lets the thread end once the jobs given so far have run.
    func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
        }
    }

    private func run() {
        while true {
            let next: UnownedJob? = condition.withLock {
                while jobs.isEmpty && !stopped { condition.wait() }
                return jobs.isEmpty ? nil : jobs.removeFirst()
            }
            guard let next else { return }
            next.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
