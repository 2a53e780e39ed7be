import Synchronization
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Enforces ``RequestDeadlines`` on a running server: libmicrohttpd's callbacks report each connection's
/// events, and a thread of its own shuts down, four times a second, the sockets whose request is overdue
/// (libmicrohttpd then sees the connection end and closes it as usual).
final class ConnectionWatch: Sendable {
    /// Every open connection's deadline. The lock is also held while an overdue socket is shut down, and
    /// libmicrohttpd reports a close before it closes the socket, so a socket number reused by a newer
    /// connection is never shut down by mistake.
    private let deadlines: Mutex<RequestDeadlines>
    private let thread = TickerThread(intervalMicroseconds: 250_000)

    /// A watch for `readTimeout`; nil when that is not above zero (no read deadline).
    init?(readTimeout: Duration, idleTimeout: Duration) {
        guard readTimeout > .zero else { return nil }
        deadlines = Mutex(RequestDeadlines(readTimeout: readTimeout, idleTimeout: idleTimeout))
    }

    func start() {
        thread.start { [self] in closeOverdue(at: .now) }
    }

    func stop() {
        thread.stop()
    }

    func opened(_ connection: OpaquePointer, socket: Int32) {
        let now = ContinuousClock.now
        deadlines.withLock { $0.opened(Int(bitPattern: connection), socket: socket, at: now) }
    }

    func received(_ connection: OpaquePointer) {
        deadlines.withLock { $0.received(Int(bitPattern: connection)) }
    }

    func answered(_ connection: OpaquePointer) {
        let now = ContinuousClock.now
        deadlines.withLock { $0.answered(Int(bitPattern: connection), at: now) }
    }

    func closed(_ connection: OpaquePointer) {
        deadlines.withLock { $0.closed(Int(bitPattern: connection)) }
    }

    /// Shuts down the sockets whose request is overdue at `now`; returns how many.
    @discardableResult
    func closeOverdue(at now: ContinuousClock.Instant) -> Int {
        deadlines.withLock { deadlines in
            let overdue = deadlines.expire(at: now)
            for socket in overdue { _ = shutdown(socket, Int32(SHUT_RDWR)) }
            return overdue.count
        }
    }
}
