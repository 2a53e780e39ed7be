import HTTP
import Synchronization
import Testing

/// Limits a live server puts on connections: the read deadline, the limit per client address and in all.
@Suite(.onOwnThread)
struct ConnectionLimitTests {
    @Test func aClientTricklingItsHeadersIsCutAtTheReadTimeout() throws {
        let server = try startServer(timeoutSeconds: 2) { $0.readTimeout = .seconds(2) }
        defer { server.shutdown(gracePeriodSeconds: 0) }
        let client = try RawClient(port: server.boundPort)
        let request = Array("POST /x HTTP/1.1\r\nHost: test\r\nX-Slow: \(String(repeating: "a", count: 100))".utf8)
        var closedAfter: Double?
        let clock = ContinuousClock()
        let start = clock.now
        // One byte every 0.3 s keeps the 2 s idle timeout from ever firing; only the read timeout can end it.
        for byte in request {
            try? client.send([byte])
            if client.isClosed(waitingMilliseconds: 300) {
                closedAfter = Double((clock.now - start).components.seconds)
                break
            }
        }
        #expect(closedAfter != nil, "still open after sending \(request.count) bytes over 30 s")
        #expect((closedAfter ?? 0) >= 1 && (closedAfter ?? 99) <= 6)
    }

    @Test func aClientWithinTheReadTimeoutIsServed() throws {
        let server = try startServer(timeoutSeconds: 2) { $0.readTimeout = .seconds(3) }
        defer { server.shutdown(gracePeriodSeconds: 0) }
        let client = try RawClient(port: server.boundPort)
        for part in ["GET /x HTTP/1.1\r\n", "Host: test\r\n", "Content-Length: 0\r\n"] {
            try client.send(part)
            #expect(!client.isClosed(waitingMilliseconds: 600))
        }
        try client.send("\r\n")
        #expect(try client.readResponse().status == 200)
    }

    @Test func oneAddressGetsNoMoreThanItsConnectionsAndOthersStillGetIn() throws {
        let server = try startServer { $0.connectionLimitPerClient = 2 }
        defer { server.shutdown(gracePeriodSeconds: 0) }
        // A pool thread accepts whichever connection it polls first: the first two are answered before the
        // third connects, so the one refused is the third.
        let first = try RawClient(port: server.boundPort, source: "127.0.0.2")
        let second = try RawClient(port: server.boundPort, source: "127.0.0.2")
        for client in [first, second] {
            try client.send(rawRequest("GET", "/held"))
            #expect(try client.readResponse().status == 200)
        }
        let third = try RawClient(port: server.boundPort, source: "127.0.0.2")
        #expect(third.isClosed(waitingMilliseconds: 2000), "a third connection from 127.0.0.2 is closed at once")
        #expect(!first.isClosed(waitingMilliseconds: 100) && !second.isClosed(waitingMilliseconds: 100))
        let other = try RawClient(port: server.boundPort, source: "127.0.0.1")
        try other.send(rawRequest("GET", "/other"))
        #expect(try other.readResponse().status == 200)
    }

    /// libmicrohttpd's own messages (here: a connection refused for the per-client limit) reach the server's
    /// log, one line each, instead of standard error.
    @Test func libmicrohttpdsOwnMessagesGoToTheServersLog() throws {
        let lines = Mutex<[String]>([])
        let server = try startServer {
            $0.connectionLimitPerClient = 1
            $0.log = { line in lines.withLock { $0.append(line) } }
        }
        defer { server.shutdown(gracePeriodSeconds: 0) }
        let first = try RawClient(port: server.boundPort)
        try first.send(rawRequest("GET", "/held"))
        #expect(try first.readResponse().status == 200)
        let second = try RawClient(port: server.boundPort)
        #expect(second.isClosed(waitingMilliseconds: 2000))
        #expect(!first.isClosed(waitingMilliseconds: 100))
        let logged = lines.withLock { $0 }
        #expect(logged.contains { $0.lowercased().contains("limit") }, "\(logged)")
        #expect(logged.allSatisfy { !$0.isEmpty && !$0.hasSuffix("\n") }, "\(logged)")
    }

    @Test func beyondTheConnectionLimitAClientWaitsUntilOneCloses() throws {
        let server = try startServer(threads: 1) {
            $0.connectionLimit = 2
            $0.connectionLimitPerClient = 0
        }
        defer { server.shutdown(gracePeriodSeconds: 0) }
        var holders = [try RawClient(port: server.boundPort), try RawClient(port: server.boundPort)]
        let waiting = try RawClient(port: server.boundPort, readTimeoutSeconds: 10)
        try waiting.send(rawRequest("GET", "/waiting"))
        #expect(!waiting.isClosed(waitingMilliseconds: 1000), "not accepted, so neither answered nor closed")
        holders.removeAll()
        #expect(try waiting.readResponse().status == 200)
    }
}
