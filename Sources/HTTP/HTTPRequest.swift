/// One HTTP request, fully received, as a handler sees it.
public struct HTTPRequest: Sendable {
    /// The method as sent, e.g. `"POST"`; see ``httpMethod`` for the parsed form.
    public var method: String
    /// The percent-decoded path, without the query string.
    public var path: String
    /// The path as sent (still percent-encoded), without the query string.
    ///
    /// The ``Router`` splits this on `/` before decoding, so an encoded `%2F` stays inside one
    /// path parameter.
    public var rawPath: String
    /// Decoded query parameters; for a name given more than once, the last value wins.
    public var query: [String: String]
    /// Every decoded query parameter in the order sent, repeated names included (`filter=a&filter=b`).
    public var queryItems: [(name: String, value: String)]
    /// The request's header fields.
    public var headers: HTTPHeaders
    /// The request body (at most the server's `maxBodyBytes`).
    public var body: [UInt8]
    /// The peer's IP address in text form (`"127.0.0.1"`, `"::1"`), or `nil` when unknown.
    public var remoteAddress: String?
    /// Whether the peer is on this host: 127.0.0.0/8, `::1` or `::ffff:127.x.x.x`.
    public var isFromLoopback: Bool
    /// When the request was fully received (before it waited for a thread to handle it).
    public var receivedAt: ContinuousClock.Instant = .now

    /// Creates a request, e.g. to call a handler directly in tests.
    ///
    /// - Parameters:
    ///   - method: the method token as sent.
    ///   - path: the path as sent; percent-encoded sequences are decoded into ``path`` and kept
    ///     as is in ``rawPath``.
    ///   - query: decoded query parameters.
    ///   - headers: header fields.
    ///   - body: the body bytes.
    ///   - remoteAddress: the peer's IP address in text form; decides ``isFromLoopback``.
    public init(
        method: String,
        path: String,
        query: [String: String] = [:],
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        remoteAddress: String? = nil
    ) {
        self.method = method
        self.rawPath = path
        self.path = PercentDecoding.decode(path) ?? path
        self.query = query
        self.queryItems = query.map { ($0.key, $0.value) }
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.isFromLoopback = remoteAddress.map(IPAddress.isLoopback) ?? false
    }

    /// Creates a request as received by the transport, whose peer was already classified.
    init(
        method: String,
        rawPath: String,
        queryItems: [(name: String, value: String)],
        headers: HTTPHeaders,
        body: [UInt8],
        remoteAddress: String?,
        isFromLoopback: Bool
    ) {
        self.method = method
        self.rawPath = rawPath
        self.path = PercentDecoding.decode(rawPath) ?? rawPath
        self.query = Dictionary(queryItems.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
        self.queryItems = queryItems
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.isFromLoopback = isFromLoopback
    }

    /// The method as a known ``HTTPMethod``, or `nil` for a method outside that list.
    public var httpMethod: HTTPMethod? {
        HTTPMethod(token: method)
    }
}
