import CancellableRequests
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A reply as the transport received it: any HTTP status, with its body.
public struct HTTPReply: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The reply body.
    public var body: Data

    /// A reply with `status` and `body`.
    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}

/// Sends one JSON POST. Throws only when no HTTP reply came back (connection refused or dropped, timeout);
/// the client retries those. Inject your own to route through a proxy or to test.
public protocol HeartbeatTransport: Sendable {
    /// POSTs `body` as JSON to `url`, with `Authorization: Bearer <token>` when `token` is set.
    func post(_ url: URL, body: Data, token: String?, timeout: Duration) async throws -> HTTPReply
}

/// The default transport: `URLSession` (FoundationNetworking on Linux).
public struct URLSessionTransport: HeartbeatTransport {
    private let session: URLSession

    /// Uses `session` (default: `URLSession.shared`).
    public init(session: URLSession = .shared) {
        self.session = session
    }

    /// POSTs `body` through the session; throws the session's error when no reply came back.
    public func post(_ url: URL, body: Data, token: String?, timeout: Duration) async throws -> HTTPReply {
        var request = URLRequest(url: url, timeoutInterval: timeout.seconds)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await session.cancellableData(for: request)
        return HTTPReply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }
}

extension Duration {
    /// The duration in seconds, with its fraction.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
