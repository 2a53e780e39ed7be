import Foundation

/// Runs `body` on a thread of its own and resumes the caller when it returns, so that a blocking wait
/// (a child process's exit, a socket read, a poll with sleeps) holds no thread of Swift's cooperative pool.
///
/// `swift test` runs every suite of every test target in one process, on a pool with as many threads as cores
/// (two on CI): two tests blocking there stall every other task in the process, the library's own async work
/// inside unit tests and every `Task.sleep` poll, for as long as they block. Tests call blocking APIs only
/// through this (`try await offPool { socket.read() }`); they wait for a child process with
/// `await process.exitStatus()` and in async code pause with `Task.sleep`.
/// Cancellation does not interrupt `body`: give it a timeout of its own.
public func offPool<Value: Sendable>(
    _ name: String = "test-blocking-wait", _ body: @escaping @Sendable () throws -> Value
) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            Thread.current.name = name
            continuation.resume(with: Swift.Result { try body() })
        }.start()
    }
}

/// `offPool` for a `body` that cannot throw.
public func offPool<Value: Sendable>(
    _ name: String = "test-blocking-wait", _ body: @escaping @Sendable () -> Value
) async -> Value {
    await withCheckedContinuation { continuation in
        Thread {
            Thread.current.name = name
            continuation.resume(returning: body())
        }.start()
    }
}

/// Runs `body` on a thread of its own without waiting for it: for clean-up in a `deinit` (which cannot
/// `await`), such as killing and reaping a child process, so that the release does not block a pool thread.
public func detachedOffPool(_ name: String = "test-cleanup", _ body: @escaping @Sendable () -> Void) {
    Thread {
        Thread.current.name = name
        body()
    }.start()
}
