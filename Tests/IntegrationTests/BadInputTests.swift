import Foundation
import Testing

/// Every bad input of DESIGN §4 gets its status, and other clients keep being served meanwhile.
@Suite(.serialized)
struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var method: String
        var path: String
        var body: String?
        var status: Int
        var errorContains: String
        var description: String { "\(method) \(path) → \(status)" }
    }

    static let labels9 = (1...9).map { "\"l\($0)\": \"v\"" }.joined(separator: ", ")

    static let cases: [Case] = [
        Case(
            method: "POST", path: "/api/v1/heartbeat", body: #"{"agent": "a",, }"#, status: 400,
            errorContains: "invalid JSON at byte 14"),
        Case(method: "POST", path: "/api/v1/heartbeat", body: "", status: 400, errorContains: "invalid JSON at byte 0"),
        Case(
            method: "POST", path: "/api/v1/heartbeat",
            body: "{\"agent\": \"a\", \"pad\": \"\(String(repeating: "x", count: 70_000))\"}",
            status: 413, errorContains: "exceeds the limit of 65536 bytes"),
        Case(
            method: "POST", path: "/api/v1/heartbeat", body: #"{"agent": "a", "task_progress": 2}"#, status: 422,
            errorContains: #"field "task_progress": must be between 0 and 1"#),
        Case(
            method: "POST", path: "/api/v1/heartbeat", body: #"{"agent": "bad name"}"#, status: 422,
            errorContains: #"field "agent""#),
        Case(
            method: "POST", path: "/api/v1/heartbeat", body: "{\"agent\": \"a\", \"labels\": {\(labels9)}}",
            status: 429,
            errorContains: "at most 8 labels"),
        Case(
            method: "POST", path: "/api/v1/heartbeats", body: #"{"agent": "a"}"#, status: 422,
            errorContains: "JSON array"),
        Case(
            method: "GET", path: "/api/v1/agents/nobody", body: nil, status: 404,
            errorContains: #"unknown agent "nobody""#),
        Case(method: "POST", path: "/api/v1/agents/nobody/kill", body: "", status: 404, errorContains: "unknown agent"),
        Case(method: "DELETE", path: "/api/v1/agents/nobody", body: nil, status: 404, errorContains: "unknown agent"),
        Case(
            method: "GET", path: "/api/v1/agents?state=asleep", body: nil, status: 400,
            errorContains: #"parameter "state""#),
        Case(method: "GET", path: "/api/v1/heartbeat", body: nil, status: 405, errorContains: "allowed: POST"),
        Case(method: "PUT", path: "/metrics", body: "", status: 405, errorContains: "allowed: GET, HEAD"),
        Case(
            method: "GET", path: "/no/such/path", body: nil, status: 404,
            errorContains: "no route for path /no/such/path"),
    ]

    @Test func eachBadInputGetsItsStatusWhileAGoodClientIsServed() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        // Slow clients: headers promising a body that never comes, holding connections open.
        let stalled = try (0..<8).map { _ in try RawConnection(port: exporter.port) }
        for connection in stalled {
            connection.send("POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"agent\":")
        }
        async let goodBeats: [Int] = (0..<200).asyncMap { index in
            try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("good", run: "r", seq: index + 1)).status
        }
        for item in Self.cases {
            let reply = try await client.request(item.method, item.path, body: item.body)
            #expect(reply.status == item.status, "\(item)")
            #expect(reply.errorMessage.contains(item.errorContains), "\(item): \(reply.text)")
            #expect(reply.json.objectValue?["status"]?.stringValue == "error", "\(item)")
        }
        #expect(try await goodBeats.allSatisfy { $0 == 202 })
        let good = try await client.get("/api/v1/agents/good")
        #expect(good.data.objectValue?["metrics"]?.objectValue?["heartbeats_total"]?.numberValue == 200)
        #expect(exporter.process.isRunning)
    }

    @Test func aMissingOrWrongTokenIs401AndTheRightOneIsAccepted() async throws {
        let directory = NSTemporaryDirectory()
        let ingest = directory + "ingest-\(UUID().uuidString)", admin = directory + "admin-\(UUID().uuidString)"
        try "s3cret-ingest\n".write(toFile: ingest, atomically: true, encoding: .utf8)
        try "s3cret-admin".write(toFile: admin, atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: [
            "--web.ingest-token-file", ingest, "--web.admin-token-file", admin,
        ])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let beat = HTTPTestClient.beat("secure")
        #expect(try await client.post("/api/v1/heartbeat", beat).status == 401)
        #expect(
            try await client.post("/api/v1/heartbeat", beat, headers: ["Authorization": "Bearer nope"]).status == 401)
        #expect(
            try await client.post("/api/v1/heartbeat", beat, headers: ["Authorization": "Bearer s3cret-ingest"]).status
                == 202)
        #expect(
            try await client.post("/api/v1/agents/secure/kill", "", headers: ["Authorization": "Bearer s3cret-ingest"])
                .status == 401)
        #expect(try await client.post("/api/v1/agents/secure/kill").status == 401)
        #expect(
            try await client.post("/api/v1/agents/secure/kill", "", headers: ["Authorization": "Bearer s3cret-admin"])
                .status == 200)
    }

    @Test func theAgentLimitGives429ForNewAgentsOnly() async throws {
        let exporter = try await ExporterProcess(arguments: ["--agents.max", "2"])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("one")).status == 202)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("two")).status == 202)
        let third = try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("three"))
        #expect(third.status == 429)
        #expect(third.errorMessage.contains("agent limit reached: 2 agents"))
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("one")).status == 202)
    }

    @Test func anIdleConnectionIsClosedAfterTheTimeout() async throws {
        let exporter = try await ExporterProcess(arguments: ["--web.connection-timeout", "1"])
        let idle = try RawConnection(port: exporter.port)
        idle.send("POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{")
        let result = await idle.readUntilClosed(timeout: 5)
        #expect(result.closed)
        #expect(try await HTTPTestClient(baseURL: exporter.baseURL).get("/-/healthy").status == 200)
    }
}

extension Sequence where Element: Sendable {
    /// Maps in order, one element at a time, with an async transform.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
