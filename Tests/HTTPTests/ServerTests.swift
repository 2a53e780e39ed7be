import HTTP
import Testing

@Suite(.onOwnThread)
struct ServerTests {
    @Test func getDeliversPathQueryHeadersAndPeer() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send(
            rawRequest(
                "GET", "/agents/a%2Fb/x?state=ok&name=caf%C3%A9+bot&state=down&flag", extraHeaders: "X-Test: hello\r\n")
        )
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.headers["x-handled"] == "yes")
        #expect(
            response.text == """
                method=GET
                path=/agents/a/b/x
                rawPath=/agents/a%2Fb/x
                query=flag=&name=café bot&state=down
                x-test=hello
                remote=127.0.0.1
                loopback=true
                body=
                """)
    }

    @Test func postBodyArrivesWhole() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        let body = #"{"agent":"web-1","success":true}"#
        try client.send(rawRequest("POST", "/api/v1/heartbeat", body: body))
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text.hasSuffix("body=\(body)"))
    }

    @Test func bodyAtTheLimitIsAccepted() throws {
        let server = try startServer(maxBodyBytes: 1024)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send(rawRequest("POST", "/x", body: String(repeating: "a", count: 1024)))
        #expect(try client.readResponse().status == 200)
    }

    @Test func declaredBodyOverTheLimitGets413AndTheConnectionCloses() throws {
        let server = try startServer(maxBodyBytes: 1024)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send(rawRequest("POST", "/x", body: String(repeating: "a", count: 1025)))
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.text == "request body exceeds the limit of 1024 bytes\n")
        #expect(client.waitForClose())
    }

    @Test func bodyTooLargeAnswerIsRenderedByTheConfiguredResponder() throws {
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        configuration.maxBodyBytes = 8
        configuration.errorResponse = { status, message in
            HTTPResponse(
                status: status, headers: [("Content-Type", "application/json")],
                body: Array(#"{"status":"error","errorType":"bad_data","error":"\#(message)"}"#.utf8))
        }
        let server = HTTPServer(configuration: configuration, handler: EchoHandler())
        try server.start()
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send(rawRequest("POST", "/x", body: "123456789"))
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.headers["content-type"] == "application/json")
        #expect(
            response.text
                == #"{"status":"error","errorType":"bad_data","error":"request body exceeds the limit of 8 bytes"}"#)
    }

    @Test func chunkedBodyOverTheLimitGets413() throws {
        let server = try startServer(maxBodyBytes: 1024)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        let chunk = String(repeating: "b", count: 600)
        try client.send("POST /x HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n")
        try client.send("258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n")
        #expect(try client.readResponse().status == 413)
    }

    @Test func twoRequestsShareOneKeepAliveConnection() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send(rawRequest("POST", "/first", body: "one"))
        let first = try client.readResponse()
        try client.send(rawRequest("GET", "/second"))
        let second = try client.readResponse()
        #expect(first.status == 200 && second.status == 200)
        #expect(first.headers["connection"] == nil)
        #expect(first.text.contains("path=/first") && first.text.hasSuffix("body=one"))
        #expect(second.text.contains("path=/second"))
    }

    @Test func headRequestGetsHeadersWithoutBody() throws {
        let server = try startServer()
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort)
        try client.send("HEAD /thing HTTP/1.1\r\nHost: test\r\n\r\n")
        let head = try client.readResponse(hasBody: false)
        try client.send(rawRequest("GET", "/after"))
        let next = try client.readResponse()
        #expect(head.status == 200)
        #expect(Int(head.headers["content-length"] ?? "") ?? 0 > 0)
        #expect(next.text.contains("path=/after"))
    }

    @Test func idleConnectionIsClosedAfterTheTimeout() throws {
        let server = try startServer(timeoutSeconds: 1)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let client = try RawClient(port: server.boundPort, readTimeoutSeconds: 6)
        var closed = false
        let seconds = secondsTaken { closed = client.waitForClose() }
        #expect(closed)
        #expect(seconds >= 0.5 && seconds < 5)
    }

    @Test func stalledClientDoesNotBlockAnother() throws {
        let server = try startServer(threads: 1, timeoutSeconds: 10)
        defer { server.shutdown(gracePeriodSeconds: 0) }
        let stalled = try RawClient(port: server.boundPort)
        try stalled.send("POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nhalf")
        let stalledHeaders = try RawClient(port: server.boundPort)
        try stalledHeaders.send("GET /x HTTP/1.1\r\nHo")
        var status = 0
        let seconds = try secondsTaken {
            let other = try RawClient(port: server.boundPort)
            try other.send(rawRequest("GET", "/other"))
            status = try other.readResponse().status
        }
        #expect(status == 200)
        #expect(seconds < 3, "the stalled connections only give up after 10 s")
    }

    @Test(arguments: [
        "GARBAGE\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: test\r\nContent-Length: nope\r\n\r\n",
        "GET /x HTTP/9.9\r\n\r\n",
        "\r\n\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: test\r\nBad Header Without Colon\r\n\r\n",
        "GET /\(String(repeating: "a", count: 40000)) HTTP/1.1\r\nHost: test\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: test\r\nX-Big: \(String(repeating: "b", count: 40000))\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    ])
    func malformedRequestIsRefusedAndServerKeepsServing(garbage: String) throws {
        let server = try startServer(timeoutSeconds: 2)
        defer { server.shutdown(gracePeriodSeconds: 1) }
        let bad = try RawClient(port: server.boundPort)
        try bad.send(garbage)
        if let response = try? bad.readResponse() {
            #expect(response.status >= 400 && response.status < 600)
        }
        let good = try RawClient(port: server.boundPort)
        try good.send(rawRequest("GET", "/fine"))
        #expect(try good.readResponse().status == 200)
    }

    @Test func secondServerOnABusyPortFailsNamingTheAddress() throws {
        let first = try startServer()
        defer { first.shutdown(gracePeriodSeconds: 0) }
        var configuration = HTTPServer.Configuration()
        configuration.port = first.boundPort
        let second = HTTPServer(configuration: configuration, handler: EchoHandler())
        #expect(
            throws: HTTPServerError.cannotListen(
                address: "127.0.0.1:\(first.boundPort)", reason: "Address already in use")
        ) {
            try second.start()
        }
        #expect(
            String(describing: HTTPServerError.cannotListen(address: "127.0.0.1:1", reason: "Address already in use"))
                == "cannot listen on 127.0.0.1:1: Address already in use")
    }

    @Test func unresolvableHostFails() {
        var configuration = HTTPServer.Configuration()
        configuration.host = "no such host.invalid"
        configuration.port = 0
        let server = HTTPServer(configuration: configuration, handler: EchoHandler())
        #expect(throws: HTTPServerError.self) { try server.start() }
    }

    @Test func servesOverIPv6Loopback() throws {
        var configuration = HTTPServer.Configuration()
        configuration.host = "::1"
        configuration.port = 0
        let server = HTTPServer(configuration: configuration, handler: EchoHandler())
        do { try server.start() } catch { return }  // a host without IPv6 cannot run this test
        defer { server.shutdown(gracePeriodSeconds: 0) }
        let client = try RawClient(port: server.boundPort, ipv6: true)
        try client.send(rawRequest("GET", "/v6"))
        let response = try client.readResponse()
        #expect(response.text.contains("remote=::1\nloopback=true"))
    }
}
