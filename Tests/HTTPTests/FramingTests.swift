import HTTP
import Synchronization
import Testing

/// Records the path of every request the server hands over, to show which ones ran.
final class RecordingHandler: HTTPHandler {
    private let paths = Mutex<[String]>([])

    var handled: [String] { paths.withLock { $0 } }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        paths.withLock { $0.append(request.path) }
        let text = "path=\(request.path) host=\(request.headers["Host"] ?? "-")"
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array(text.utf8))
    }
}

/// A request must have one framing (RFC 9112 §6.3): a head that allows two is answered 400 and the connection
/// closed, so a second request hidden in the body is never executed.
@Suite(.onOwnThread)
struct FramingTests {
    static let smuggled = "POST /smuggled HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n"

    @Test func twoDifferentContentLengthsGet400AndTheHiddenRequestIsNotRun() throws {
        let handler = RecordingHandler()
        let server = try startServer(handler: handler)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        let body = "{}" + Self.smuggled
        try client.send(
            "POST /first HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                + body)
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.text.contains("conflicting Content-Length values: 2, \(body.utf8.count)"))
        #expect(response.headers["connection"]?.lowercased() == "close")
        #expect(client.waitForClose())
        #expect(handler.handled.isEmpty)
    }

    @Test func contentLengthListWithDifferentValuesGets400() throws {
        let handler = RecordingHandler()
        let server = try startServer(handler: handler)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send("POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: 2, 3\r\n\r\n{}")
        #expect(try client.readResponse().status == 400)
        #expect(client.waitForClose())
        #expect(handler.handled.isEmpty)
    }

    @Test func repeatedIdenticalContentLengthIsAccepted() throws {
        let handler = RecordingHandler()
        let server = try startServer(handler: handler)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send("POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}")
        #expect(try client.readResponse().status == 200)
        #expect(handler.handled == ["/x"])
    }

    @Test func contentLengthWithTransferEncodingGets400AndTheHiddenRequestIsNotRun() throws {
        let handler = RecordingHandler()
        let server = try startServer(handler: handler)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send(
            "POST /first HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n" + Self.smuggled)
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.text.contains("both Content-Length and Transfer-Encoding"))
        #expect(client.waitForClose())
        #expect(handler.handled.isEmpty)
    }

    @Test(arguments: ["foo/api/v1/heartbeat", "api/v1/heartbeat"])
    func targetWithoutLeadingSlashGets400(_ target: String) throws {
        let handler = RecordingHandler()
        let server = try startServer(handler: handler)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send(rawRequest("POST", target, body: "{}"))
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.text.contains("must start with \"/\""))
        #expect(handler.handled.isEmpty)
    }

    @Test func twoHostHeadersGet400() throws {
        let handler = RecordingHandler()
        let server = try startServer(handler: handler)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        #expect(try client.readResponse().status == 400)
        #expect(handler.handled.isEmpty)
    }

    @Test func http11WithoutHostGets400AndHttp10WithoutHostIsServed() throws {
        let handler = RecordingHandler()
        let server = try startServer(handler: handler)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send("GET /x HTTP/1.1\r\n\r\n")
        let refused = try client.readResponse()
        #expect(refused.status == 400)
        #expect(refused.text.contains("an HTTP/1.1 request must carry a Host header"))
        let old = try RawClient(port: server.boundPort)
        try old.send("GET /old HTTP/1.0\r\n\r\n")
        #expect(try old.readResponse().status == 200)
        #expect(handler.handled == ["/old"])
    }

    @Test func absoluteFormTargetIsRoutedByItsPathWithItsAuthorityAsHost() throws {
        let handler = RecordingHandler()
        let server = try startServer(handler: handler)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send("GET http://exporter.example:9747/metrics HTTP/1.1\r\nHost: other\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "path=/metrics host=exporter.example:9747")
    }
}
