import HTTP
import Testing
#if canImport(Glibc)
    import Glibc
#endif

@Suite(.onOwnThread)
struct ShutdownTests {
    @Test func inFlightRequestCompletesAndNewConnectionsAreRefused() throws {
        let handler = EchoHandler(slowMilliseconds: 400)
        let server = try startServer(handler: handler)
        let port = server.boundPort
        let client = try RawClient(port: port)
        try client.send(rawRequest("POST", "/slow", body: "work"))
        for _ in 0..<500 where handler.slowStarted.load(ordering: .relaxed) == 0 {
            usleep(2000)
        }
        #expect(handler.slowStarted.load(ordering: .relaxed) == 1)
        let seconds = secondsTaken { server.shutdown(gracePeriodSeconds: 5) }
        let response = try client.readResponse()
        #expect(seconds < 4)
        #expect(response.status == 200)
        #expect(response.text.hasSuffix("body=work"))
        #expect(response.headers["connection"] == "close")
        // Refused; or, when another test's listener took the freed port meanwhile, not answered by this server.
        if let late = try? RawClient(port: port) {
            try? late.send(rawRequest("POST", "/slow", body: "late"))
            let answer = try? late.readResponse()
            #expect(answer?.text.hasSuffix("body=late") != true, "the stopped server answered a new connection")
        }
    }

    @Test func gracePeriodBoundsTheWaitForAStalledUpload() throws {
        let server = try startServer(timeoutSeconds: 30)
        let stalled = try RawClient(port: server.boundPort)
        try stalled.send("POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\nhalf")
        usleep(100_000)
        #expect(server.inFlightRequests == 1)
        let seconds = secondsTaken { server.shutdown(gracePeriodSeconds: 0.3) }
        #expect(seconds >= 0.25 && seconds < 3)
        #expect(stalled.waitForClose())
    }

    @Test func shutdownTwiceAndBeforeStartIsHarmless() throws {
        let never = HTTPServer(configuration: .init(), handler: EchoHandler())
        never.shutdown(gracePeriodSeconds: 1)
        let server = try startServer()
        server.shutdown(gracePeriodSeconds: 1)
        server.shutdown(gracePeriodSeconds: 1)
        #expect(server.inFlightRequests == 0)
    }
}
