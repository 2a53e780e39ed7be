import Foundation
import JSON
import Testing
import TestSupport

/// Regex matchers from the network run in linear time: a pattern that makes a backtracking engine take seconds
/// (exponential in K for `a{K}(a|a)*b` against 60 `a`s) is answered at once and stalls no other request.
@Suite(.serialized)
struct RegexFilterTests {
    static let agent = String(repeating: "a", count: 60)

    static let rules = """
        groups:
          - name: seen
            interval: 1s
            rules:
              - alert: AgentSeen
                expr: agent_heartbeats_total > 0
        """

    static func exporter() throws -> ExporterProcess {
        let directory = TestPaths.temporaryDirectory("regex-filter")
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try rules.write(toFile: directory + "/rules/seen.yml", atomically: true, encoding: .utf8)
        try """
        global: {evaluation_interval: 1s}
        route: {receiver: nobody}
        receivers: [{name: nobody}]
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        return try ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
    }

    /// `GET path` and how long the answer took.
    static func timed(_ client: HTTPTestClient, _ path: String) async throws -> (TestReply, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let reply = try await client.get(path)
        return (reply, clock.now - start)
    }

    static func filter(_ matcher: String) -> String {
        "/api/v2/alerts?filter=" + (matcher.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    @Test func aBacktrackingPatternInAnAlertFilterIsAnsweredAtOnceAndDelaysNothing() async throws {
        let exporter = try Self.exporter()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat(Self.agent)).status == 202)
        try await waitUntil("AgentSeen fires for the agent of 60 a's") {
            let alerts = try await client.get(Self.filter("agent=\"\(Self.agent)\"")).json.arrayValue ?? []
            return alerts.count == 1
        }
        let evil = Self.filter(#"agent=~"a{24}(a|a)*b""#)

        // Two evil requests in flight (a backtracking engine spends seconds in each) and a health check beside them.
        async let first = Self.timed(client, evil)
        async let second = Self.timed(client, evil)
        async let health = Self.timed(client, "/-/healthy")
        let (answers, healthy) = try await ([first, second], health)
        for (reply, _) in answers {
            #expect(reply.status == 200)
            #expect(reply.json.arrayValue?.isEmpty == true, "no agent name ends in b: \(reply.text)")
        }
        #expect(healthy.0.status == 200)
        // A backtracking engine held it 3.5 s; 1 s leaves room for a machine busy with other tests.
        #expect(healthy.1 < .seconds(1), "/-/healthy took \(healthy.1) beside two regex filters")
        #expect(answers.allSatisfy { $0.1 < .seconds(1) }, "concurrent answers took \(answers.map(\.1))")

        // Alone, an answer is well within 100 ms: timed up to ten times, as other tests may hold both cores for a
        // while (a backtracking engine spends seconds on every one).
        var durations: [Duration] = []
        for _ in 0..<10 where durations.allSatisfy({ $0 >= .milliseconds(100) }) {
            durations.append(try await Self.timed(client, evil).1)
        }
        #expect(durations.min().map { $0 < .milliseconds(100) } == true, "the filter took \(durations)")

        // The same engine still matches: without the `b` the pattern takes the agent.
        let matching = try await client.get(Self.filter(#"agent=~"a{24}(a|a)*""#)).json.arrayValue ?? []
        #expect(matching.count == 1)
    }
}
