/// The read deadline of every open connection: a request's headers and body must have arrived within
/// ``readTimeout`` of the connection opening, or, on a kept-alive connection, within ``idleTimeout`` plus
/// ``readTimeout`` of the previous response. libmicrohttpd's own timeout restarts on every byte, so
/// without this a client sending one byte a second would hold a connection forever.
///
/// A pure state machine over connection events; the time is a parameter. ``ConnectionWatch`` feeds it
/// libmicrohttpd's callbacks and closes what ``expire(at:)`` returns.
struct RequestDeadlines {
    /// One open connection: its socket and, while a request is being read, when that must be done.
    private struct Entry {
        let socket: Int32
        var deadline: ContinuousClock.Instant?
    }

    let readTimeout: Duration
    let idleTimeout: Duration
    private var entries: [Int: Entry] = [:]

    init(readTimeout: Duration, idleTimeout: Duration) {
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
    }

    /// The connections open now.
    var count: Int { entries.count }

    /// A connection opened: its first request must be complete by `now + readTimeout`.
    mutating func opened(_ connection: Int, socket: Int32, at now: ContinuousClock.Instant) {
        entries[connection] = Entry(socket: socket, deadline: now + readTimeout)
    }

    /// A request has been read whole: the handler and the response take the time they need.
    mutating func received(_ connection: Int) {
        entries[connection]?.deadline = nil
    }

    /// A response has been sent: the next request may idle for `idleTimeout` and then takes `readTimeout`.
    mutating func answered(_ connection: Int, at now: ContinuousClock.Instant) {
        entries[connection]?.deadline = now + idleTimeout + readTimeout
    }

    /// A connection closed (libmicrohttpd reports it before it closes the socket).
    mutating func closed(_ connection: Int) {
        entries[connection] = nil
    }

    /// The sockets of connections whose request is overdue at `now`; each is returned once.
    mutating func expire(at now: ContinuousClock.Instant) -> [Int32] {
        var overdue: [Int32] = []
        for (connection, entry) in entries {
            guard let deadline = entry.deadline, deadline <= now else { continue }
            overdue.append(entry.socket)
            entries[connection]?.deadline = nil
        }
        return overdue
    }
}
