import HTTP
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// Answers every request with a description of what arrived; `/slow` first sleeps for
/// `slowMilliseconds` (a handler busy with real work) and counts itself in `slowStarted`.
final class EchoHandler: HTTPHandler {
    let slowMilliseconds: UInt32
    let slowStarted = Atomic<Int>(0)

    init(slowMilliseconds: UInt32 = 0) {
        self.slowMilliseconds = slowMilliseconds
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path == "/slow" {
            slowStarted.add(1, ordering: .relaxed)
            usleep(slowMilliseconds * 1000)
        }
        let query = request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        let lines = [
            "method=\(request.method)",
            "path=\(request.path)",
            "rawPath=\(request.rawPath)",
            "query=\(query)",
            "x-test=\(request.headers["x-TEST"] ?? "-")",
            "remote=\(request.remoteAddress ?? "-")",
            "loopback=\(request.isFromLoopback)",
            "body=\(String(decoding: request.body, as: UTF8.self))",
        ]
        return HTTPResponse(
            status: 200, headers: [("Content-Type", "text/plain"), ("X-Handled", "yes")],
            body: Array(lines.joined(separator: "\n").utf8))
    }
}

/// Starts a server on 127.0.0.1 with a free port; tests stop it with `shutdown`.
func startServer(
    handler: any HTTPHandler = EchoHandler(),
    threads: Int = 2,
    timeoutSeconds: Int = 5,
    maxBodyBytes: Int = 1024,
    adjust: (inout HTTPServer.Configuration) -> Void = { _ in }
) throws -> HTTPServer {
    var configuration = HTTPServer.Configuration()
    configuration.port = 0
    configuration.threads = threads
    configuration.connectionTimeoutSeconds = timeoutSeconds
    configuration.maxBodyBytes = maxBodyBytes
    adjust(&configuration)
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    return server
}

/// A request with a Content-Length for `body`.
func rawRequest(_ method: String, _ target: String, body: String = "", extraHeaders: String = "") -> String {
    "\(method) \(target) HTTP/1.1\r\nHost: test\r\n\(extraHeaders)Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
}

/// Seconds elapsed while running `body`.
func secondsTaken(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
