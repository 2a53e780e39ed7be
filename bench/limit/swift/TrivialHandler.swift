import HTTP

/// Answers every request with 200 "ok", so a benchmark measures the transport alone.
struct TrivialHandler: HTTPHandler {
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array("ok".utf8))
    }
}
