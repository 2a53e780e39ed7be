import Foundation
import JSON
import Testing
import TestSupport

/// How soon a dead agent pages with the shipped rules and the README's route, time compressed through the
/// heartbeat interval (2 s: degraded after 6 s, unreachable after 20 s): the first notification comes within 20 s
/// of the state's threshold, not after the rules' `for` and the next evaluation tick on top of it; an agent that
/// flaps between late and on time still pages once.
@Suite(.serialized)
struct DetectionTimeTests {
    static let interval = 2.0

    static func exporter(hook: URL) async throws -> ExporterProcess {
        let directory = TestPaths.temporaryDirectory("detection")
        let rules = TestPaths.packageRoot.appendingPathComponent("rules").path
        try """
        rule_files: ['\(rules)/*.yml']
        route:
          receiver: hook
          group_by: [alertname, agent]
          group_wait: 10s
          group_interval: 2s
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs: [{url: '\(hook.absoluteString)'}]
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        return try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
    }

    /// The webhook payloads received for `alertname` about `agent`, with when each arrived.
    static func payloads(_ listener: LocalHTTPServer, _ alertname: String, agent: String) -> [(
        status: String, at: Date
    )] {
        listener.requests.compactMap { request in
            guard let payload = try? JSONParser.parse(request.body).objectValue,
                let labels = payload["groupLabels"]?.objectValue,
                labels["alertname"]?.stringValue == alertname, labels["agent"]?.stringValue == agent
            else { return nil }
            return (payload["status"]?.stringValue ?? "", request.receivedAt)
        }
    }

    @Test func aDeadAgentPagesWithin20SecondsOfEachThresholdAndAFlappingOnePagesOnce() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let exporter = try await Self.exporter(hook: listener.url)
        defer { exporter.send(SIGTERM) }
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let interval = #""interval_seconds": \#(Self.interval)"#
        #expect(
            try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("doomed", extra: interval)).status == 202)
        let lastBeat = Date()

        // The flapper: late twice (13 s gaps, 7 s past its 6 s threshold and short of the 20 s unreachable one), on
        // time in between and afterwards. A change of state brings the health group's evaluation forward, but not
        // sooner than a third of its 15 s interval after the last one: a state that lasts less than 5 s may pass
        // between two evaluations.
        let flapper = Task {
            let gaps: [Double] = [13, 1, 1, 13] + Array(repeating: 1, count: 30)
            for gap in gaps {
                _ = try? await client.post("/api/v1/heartbeat", HTTPTestClient.beat("flapper", extra: interval))
                try await Task.sleep(for: .seconds(gap))
            }
        }
        defer { flapper.cancel() }

        try await waitUntil("AgentUnreachable is notified for the dead agent") {
            !Self.payloads(listener, "AgentUnreachable", agent: "doomed").isEmpty
        }
        let degraded = try #require(Self.payloads(listener, "AgentDegraded", agent: "doomed").first)
        let unreachable = try #require(Self.payloads(listener, "AgentUnreachable", agent: "doomed").first)
        let degradedAfter = degraded.at.timeIntervalSince(lastBeat)
        let unreachableAfter = unreachable.at.timeIntervalSince(lastBeat)
        print("detection: AgentDegraded \(degradedAfter) s, AgentUnreachable \(unreachableAfter) s after the last beat")
        #expect(degraded.status == "firing" && unreachable.status == "firing")
        #expect(degradedAfter >= 3 * Self.interval && degradedAfter <= 3 * Self.interval + 20)
        #expect(unreachableAfter >= 10 * Self.interval && unreachableAfter <= 10 * Self.interval + 20)

        try await flapper.value
        let flaps = Self.payloads(listener, "AgentDegraded", agent: "flapper")
        #expect(flaps.map(\.status) == ["firing"], "one page for an agent late twice, then on time")
    }
}
