import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import HTTP

/// Large bodies are sent from the response's own storage and released once libmicrohttpd is done with them, however
/// the exchange ends.
@Suite struct LentBodyTests {
    struct LargeBody: HTTPHandler {
        static let body = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }

        func handle(_ request: HTTPRequest) -> HTTPResponse {
            HTTPResponse(status: 200, headers: [("X-Path", request.path)], body: Self.body)
        }
    }

    @Test func aLargeBodyArrivesWholeAndIsReleasedAfterEveryKindOfExchange() async throws {
        let server = try startServer(handler: LargeBody(), threads: 2) { $0.handledApart = { $0.path == "/apart" } }
        defer { server.shutdown(gracePeriodSeconds: 0) }
        for path in ["/apart", "/inline"] {
            let whole = try RawClient(port: server.boundPort, readTimeoutSeconds: 10)
            for _ in 0..<2 {
                try whole.send(rawRequest("GET", path))
                let reply = try whole.readResponse()
                #expect(reply.headers["x-path"] == path)
                #expect(reply.body == LargeBody.body, "the body of \(path) arrives byte for byte")
            }
            try whole.send(rawRequest("HEAD", path))
            let head = try whole.readResponse(hasBody: false)
            #expect(head.headers["content-length"] == String(LargeBody.body.count))
            // A client that leaves before reading the body: the response is destroyed with the connection.
            let leaving = try RawClient(port: server.boundPort, readTimeoutSeconds: 10)
            try leaving.send(rawRequest("GET", path))
        }
        // Every response above was destroyed (the leaving clients' when their connections close at the end),
        // so no body may stay lent. Other suites lend bodies too, briefly: wait for a moment with none.
        var lent = PreparedResponse.bodiesLent
        for _ in 0..<500 where lent != 0 {
            try await Task.sleep(for: .milliseconds(10))
            lent = PreparedResponse.bodiesLent
        }
        #expect(lent == 0, "\(lent) bodies are still held after their responses ended")
    }

    /// A connection sending a lent body copies at most a few hundred kilobytes into the kernel per `send` (the
    /// kernel doubles the size asked for), where autotuning would let one call copy 4 MB.
    @Test func aSocketSendingALentBodyHasABoundedSendBuffer() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        PreparedResponse.limitSendBuffer(ofSocket: socket)
        var size: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        #expect(getsockopt(socket, SOL_SOCKET, SO_SNDBUF, &size, &length) == 0)
        #expect(Int(size) == 2 * PreparedResponse.sendBufferBytes)
    }
}
