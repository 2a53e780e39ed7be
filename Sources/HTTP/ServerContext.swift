import Synchronization

/// What the C callbacks need from a running ``HTTPServer``: the handler, the limits, and the
/// counters that graceful shutdown reads. Reached from C through the daemon's `cls` pointer.
final class ServerContext: Sendable {
    let handler: any HTTPHandler
    let maxBodyBytes: Int
    let errorResponse: @Sendable (Int, String) -> HTTPResponse
    /// Closes connections whose request is not read in time; nil when there is no read timeout.
    let watch: ConnectionWatch?
    /// The client-certificate policy each new TLS connection gets before its handshake (`hb_client_auth`); nil
    /// on a plain-HTTP daemon.
    let tlsClientAuth: Int32?
    /// Requests whose headers have arrived and whose completion has not been reported yet.
    let inFlight = Atomic<Int>(0)
    /// Set when shutdown starts: responses then carry `Connection: close`.
    let isClosing = Atomic<Bool>(false)
    /// Receives libmicrohttpd's own messages; nil leaves them on standard error.
    let log: (@Sendable (String) -> Void)?
    /// Runs the requests handled apart from the pool threads; nil when none are.
    let apart: ApartHandling?

    init(
        handler: any HTTPHandler, maxBodyBytes: Int, watch: ConnectionWatch?, tlsClientAuth: Int32? = nil,
        errorResponse: @escaping @Sendable (Int, String) -> HTTPResponse, log: (@Sendable (String) -> Void)? = nil,
        apart: ApartHandling? = nil
    ) {
        self.log = log
        self.apart = apart
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
        self.watch = watch
        self.tlsClientAuth = tlsClientAuth
        self.errorResponse = errorResponse
    }

    /// The bytes a client may send beyond the limit (which are read and dropped so it still
    /// gets its 413) before the connection is cut instead.
    var discardAllowance: Int {
        max(maxBodyBytes, 1 << 20)
    }

    /// The 413 answer for a body over the limit.
    func bodyTooLarge() -> HTTPResponse {
        errorResponse(413, "request body exceeds the limit of \(maxBodyBytes) bytes")
    }
}

/// One request's state between libmicrohttpd's calls, kept in its `*con_cls`. Only the
/// worker thread that owns the connection touches it, one call at a time.
final class RequestState {
    /// The header fields, read once when they arrived.
    var headers: HTTPHeaders?
    private(set) var body: [UInt8] = []
    /// Bytes received beyond the body limit and dropped.
    private(set) var discardedBytes = 0
    /// Set when the request is handled apart: its response arrives here.
    var apartResponse: ApartResponse?

    /// Whether the body went over the limit.
    var isOverLimit: Bool { discardedBytes > 0 }

    /// Reserves room for a body whose length was declared (and is within the limit).
    func expectBody(length: Int) {
        body.reserveCapacity(length)
    }

    /// Appends an upload chunk while the body stays within `limit`; after that, counts and
    /// drops the bytes so no more than `limit` bytes are ever buffered.
    func receive(_ chunk: UnsafeRawBufferPointer, limit: Int) {
        if discardedBytes == 0, body.count + chunk.count <= limit {
            body.append(contentsOf: chunk)
        } else {
            discardedBytes += chunk.count
            body = []
        }
    }
}
