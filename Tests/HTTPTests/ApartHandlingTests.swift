import Dispatch
import HTTP
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A handler whose `/held` requests wait until the test opens the gate; every other path is answered at once.
final class GatedHandler: HTTPHandler {
    private let gate = DispatchSemaphore(value: 0)
    let heldStarted = Atomic<Int>(0)
    let heldFinished = Atomic<Int>(0)

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path == "/held" {
            heldStarted.add(1, ordering: .relaxed)
            gate.wait()
            heldFinished.add(1, ordering: .relaxed)
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array(request.path.utf8))
    }

    /// Lets one held request finish.
    func open() { gate.signal() }

    /// Waits (up to 5 s) until `count` held requests have started.
    func waitUntilHeld(_ count: Int) async throws -> Bool {
        for _ in 0..<500 {
            if heldStarted.load(ordering: .relaxed) >= count { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

/// A flag one thread raises and another reads.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isRaised: Bool { value.load(ordering: .relaxed) }
    func raise() { value.store(true, ordering: .relaxed) }
}

/// Requests handled apart (a long `/metrics` render) do not hold up the connections that share their worker
/// thread, and still answer on their own connection, kept alive.
@Suite(.onOwnThread)
struct ApartHandlingTests {
    func startGated(_ handler: GatedHandler) throws -> HTTPServer {
        try startServer(handler: handler, threads: 1) { $0.handledApart = { $0.path == "/held" } }
    }

    @Test func aSlowRequestHandledApartDoesNotHoldUpTheWorkerThreadsOtherConnections() async throws {
        let handler = GatedHandler()
        let server = try startGated(handler)
        defer { server.shutdown(gracePeriodSeconds: 0) }
        defer { for _ in 0..<4 { handler.open() } }  // a failed expectation must not leave a request held
        let slow = try RawClient(port: server.boundPort)
        try slow.send(rawRequest("GET", "/held"))
        #expect(try await handler.waitUntilHeld(1))
        // One worker thread serves both connections; the held request runs apart from it.
        let other = try RawClient(port: server.boundPort, readTimeoutSeconds: 5)
        for path in ["/a", "/b", "/c"] {
            try other.send(rawRequest("GET", path))
            let reply = try other.readResponse()
            #expect(reply.status == 200 && String(decoding: reply.body, as: UTF8.self) == path)
        }
        #expect(handler.heldFinished.load(ordering: .relaxed) == 0, "answered while the held request still ran")
        handler.open()
        let held = try slow.readResponse()
        #expect(held.status == 200 && String(decoding: held.body, as: UTF8.self) == "/held")
        // The connection stays alive for the next request, apart or not.
        try slow.send(rawRequest("GET", "/after"))
        #expect(try slow.readResponse().status == 200)
        try slow.send(rawRequest("GET", "/held"))
        handler.open()
        #expect(try slow.readResponse().status == 200)
    }

    /// A response handled apart is made into libmicrohttpd's form on the lane, not on the pool thread: a large one
    /// still arrives whole, with its status and header fields, and the connection stays usable.
    @Test func aLargeResponseHandledApartArrivesWholeWithItsHeaders() throws {
        struct LargeBody: HTTPHandler {
            static let body = (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }

            func handle(_ request: HTTPRequest) -> HTTPResponse {
                guard request.path == "/big" else { return HTTPResponse(status: 200, body: Array("small".utf8)) }
                return HTTPResponse(status: 203, headers: [("X-Render", "apart")], body: Self.body)
            }
        }
        let server = try startServer(handler: LargeBody(), threads: 1) { $0.handledApart = { $0.path == "/big" } }
        defer { server.shutdown(gracePeriodSeconds: 0) }
        let client = try RawClient(port: server.boundPort, readTimeoutSeconds: 10)
        for _ in 0..<2 {
            try client.send(rawRequest("GET", "/big"))
            let reply = try client.readResponse()
            #expect(reply.status == 203)
            #expect(reply.headers["x-render"] == "apart")
            #expect(reply.body.count == LargeBody.body.count)
            #expect(reply.body == LargeBody.body)
            try client.send(rawRequest("GET", "/small"))
            #expect(try client.readResponse().body == Array("small".utf8))
        }
    }

    @Test func aShutdownWaitsForARequestHandledApartInsteadOfStoppingUnderIt() async throws {
        let handler = GatedHandler()
        let server = try startGated(handler)
        let slow = try RawClient(port: server.boundPort, readTimeoutSeconds: 10)
        try slow.send(rawRequest("GET", "/held"))
        #expect(try await handler.waitUntilHeld(1))
        let stopped = Flag()
        DispatchQueue(label: "shutdown").async {
            server.shutdown(gracePeriodSeconds: 0)
            stopped.raise()
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!stopped.isRaised, "the daemon must not stop while the connection is suspended")
        handler.open()
        for _ in 0..<500 where !stopped.isRaised { try await Task.sleep(for: .milliseconds(10)) }
        #expect(stopped.isRaised)
        #expect(handler.heldFinished.load(ordering: .relaxed) == 1)
    }
}

/// The threads of requests handled apart run the configuration's setup first (the exporter lowers their priority).
@Suite(.onOwnThread)
struct ApartThreadSetupTests {
    /// Answers with the nice value of the thread that handled the request.
    final class NicenessHandler: HTTPHandler {
        func handle(_ request: HTTPRequest) -> HTTPResponse {
            let niceness = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array("\(niceness)".utf8))
        }
    }

    @Test func requestsHandledApartRunOnThreadsTheSetupLoweredTheOthersDoNot() throws {
        let before = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let server = try startServer(handler: NicenessHandler(), threads: 2) { configuration in
            configuration.handledApart = { $0.path == "/apart" }
            configuration.apartThreadSetup = { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 7) }
        }
        defer { server.shutdown(gracePeriodSeconds: 0) }
        let client = try RawClient(port: server.boundPort, readTimeoutSeconds: 5)
        for _ in 0..<4 {
            try client.send(rawRequest("GET", "/apart"))
            #expect(String(decoding: try client.readResponse().body, as: UTF8.self) == "\(max(before, 7))")
            try client.send(rawRequest("GET", "/inline"))
            #expect(String(decoding: try client.readResponse().body, as: UTF8.self) == "\(before)")
        }
    }
}
