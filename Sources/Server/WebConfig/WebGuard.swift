import HTTP
import Synchronization

/// The web configuration's part of every request: basic auth when `basic_auth_users` is set (every endpoint,
/// as in Prometheus), then the configured `http_server_config.headers` on every response, refusals included.
/// The admin and ingest bearer tokens are checked behind it, by the endpoints (``AccessControl``).
final class WebGuard: HTTPHandler {
    private struct Rules {
        var users: [String: String] = [:]
        var headers: [WebConfig.HeaderField] = []
    }

    private let inner: any HTTPHandler
    /// Told of each request refused for its credentials (the heartbeat API counts its own among them).
    private let refused: @Sendable (HTTPRequest) -> Void
    private let authenticator = BasicAuthenticator()
    /// The users and headers in force; replaced whole when the web configuration reloads.
    private let rules = Mutex(Rules())

    init(inner: any HTTPHandler, refused: @escaping @Sendable (HTTPRequest) -> Void = { _ in }) {
        self.inner = inner
        self.refused = refused
    }

    /// Puts the users and headers of `config` in force for the next requests.
    func apply(_ config: WebConfig?) {
        rules.withLock { $0 = Rules(users: config?.users ?? [:], headers: config?.headers ?? []) }
    }

    /// Runs `body` as if a password check were running (for tests).
    func whileBcryptRuns<R>(_ body: () -> R) -> R {
        authenticator.whileBcryptRuns(body)
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let current = rules.withLock { $0 }
        let outcome =
            current.users.isEmpty
            ? .authorized : authenticator.check(request.headers["Authorization"], users: current.users)
        var response: HTTPResponse
        switch outcome {
        case .authorized: response = inner.handle(request)
        case .refused:
            refused(request)
            response = HTTPResponse(
                status: 401,
                headers: [("Content-Type", "text/plain; charset=utf-8"), ("WWW-Authenticate", "Basic")],
                body: Array("Unauthorized\n".utf8))
        case .busy:
            response = HTTPResponse(
                status: 503,
                headers: [("Content-Type", "text/plain; charset=utf-8"), ("Retry-After", "1")],
                body: Array("another password check is running; retry in a second\n".utf8))
        }
        for field in current.headers {
            response.headers.removeAll { $0.0.lowercased() == field.name.lowercased() }
            response.headers.append((field.name, field.value))
        }
        return response
    }
}
