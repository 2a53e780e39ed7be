import CMicroHTTPD
import Synchronization

/// Handles the requests a server's configuration picks (``HTTPServer/Configuration/handledApart``) on threads of
/// their own instead of libmicrohttpd's pool threads.
///
/// libmicrohttpd binds each connection to one pool thread, which reads, handles and writes every connection it
/// holds in turn: a handler that takes a second (a `/metrics` render of 20,000 agents) would hold up every other
/// connection of that thread for that second. A request handled apart suspends its connection, runs on one of
/// these lanes, and resumes the connection with the response; the pool thread serves its other connections
/// meanwhile.
final class ApartHandling: Sendable {
    /// Which requests are handled apart.
    let picks: @Sendable (HTTPRequest) -> Bool
    /// Serial queues, one per core, on threads of their own: requests handled apart run at most that many at once.
    private let lanes: [BackgroundLane]
    private let nextLane = Atomic<Int>(0)
    /// Requests handed to a lane whose connection is not resumed yet. The daemon must not stop before this is
    /// zero: libmicrohttpd forbids stopping with suspended connections.
    let suspended = Atomic<Int>(0)

    /// - Parameter setup: run first on each lane's thread (the exporter lowers the thread's priority there).
    init(
        lanes count: Int, setup: (@Sendable () -> Void)? = nil, picks: @escaping @Sendable (HTTPRequest) -> Bool
    ) {
        self.picks = picks
        lanes = (0..<max(count, 1)).map { _ in BackgroundLane(setup: setup) }
    }

    deinit {
        for lane in lanes { lane.stop() }
    }

    /// Suspends `connection`, handles `request` with `handler` on a lane, puts the response in `slot` and resumes
    /// the connection, whose access handler is then called again and queues the response.
    func handle(
        _ request: HTTPRequest, with handler: any HTTPHandler, connection: OpaquePointer, slot: ApartResponse
    ) {
        suspended.add(1, ordering: .relaxed)
        MHD_suspend_connection(connection)
        let suspendedConnection = SuspendedConnection(pointer: connection)
        let lane = lanes[(nextLane.add(1, ordering: .relaxed).oldValue & Int.max) % lanes.count]
        lane.async { [self] in
            slot.fill(PreparedResponse(handler.handle(request)))
            MHD_resume_connection(suspendedConnection.pointer)
            suspended.subtract(1, ordering: .relaxed)
        }
    }
}

/// A suspended connection, handed to the lane that resumes it (libmicrohttpd allows resuming from any thread).
private struct SuspendedConnection: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// Where a request handled apart leaves its response, already in libmicrohttpd's form, for the access-handler
/// call that queues it.
final class ApartResponse: Sendable {
    /// Where the handling is.
    enum Outcome {
        /// Not answered yet (or already taken).
        case waiting
        /// Answered, the response ready to queue.
        case ready(PreparedResponse)
        /// Answered, but the response could not be made (out of memory): the connection is to be closed.
        case failed
    }

    private let outcome = Mutex<Outcome>(.waiting)

    /// Leaves the handler's answer; nil: it could not be made into a response.
    func fill(_ value: PreparedResponse?) {
        outcome.withLock { $0 = value.map(Outcome.ready) ?? .failed }
    }

    /// The outcome (taken: afterwards the slot is waiting again).
    func take() -> Outcome {
        outcome.withLock { value in
            defer { value = .waiting }
            return value
        }
    }
}
