/// A complete response: status, header fields and body.
///
/// The transport adds `Content-Length`, `Date` and, while the server shuts down,
/// `Connection: close`. The handler sets `Content-Type`.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields to send, in order.
    public var headers: [(String, String)]
    /// The body bytes; dropped by the transport for `HEAD` requests.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response whose body is `text` plus a line feed.
    public static func text(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [("Content-Type", "text/plain; charset=utf-8")],
            body: Array((text + "\n").utf8)
        )
    }
}

/// Answers requests. The server calls ``handle(_:)`` synchronously on its worker threads, so
/// keep it short and guard shared state with a `Mutex`.
public protocol HTTPHandler: Sendable {
    /// Returns the response for a fully received request.
    func handle(_ request: HTTPRequest) -> HTTPResponse
}
