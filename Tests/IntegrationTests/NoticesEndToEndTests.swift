import Foundation
import JSON
import Testing
import TestSupport

/// Notices end to end: the real binary with a `notices:` section, a webhook listener as the notices' receiver,
/// an agent killed and resumed over the API and a silence created and expired by the real `amtool`.
@Suite(.serialized)
struct NoticesEndToEndTests {
    /// `notice=status` of every alert the listener received, in order.
    static func notices(_ listener: LocalHTTPServer) -> [String] {
        AlertRoutingTests.payloads(listener, alertname: "HeartbeatExporterNotice").flatMap { payload in
            (payload["alerts"]?.arrayValue ?? []).map { alert in
                let object = alert.objectValue
                return (object?["labels"]?.objectValue?["notice"]?.stringValue ?? "") + "="
                    + (object?["status"]?.stringValue ?? "")
            }
        }
    }

    @Test func killsResumesAndSilencesReachTheNoticesReceiverFiringThenResolved() async throws {
        let team = try LocalHTTPServer()
        let ops = try LocalHTTPServer()
        defer {
            team.stop()
            ops.stop()
        }
        let routing = AlertRoutingTests.webhookRouting([("team", team.url), ("ops", ops.url)], groupInterval: "1s")
        let exporter = try await AlertRoutingTests.exporter(
            routing: routing + "\nnotices: {receiver: ops, events: [agent_killed, agent_resumed, silence_created]}\n")
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("w1")).status == 202)
        #expect(
            try await client.post("/api/v1/agents/w1/kill", #"{"reason": "runaway cost", "by": "alice"}"#).status == 200
        )
        try await waitUntil("the kill is announced and resolved") {
            Self.notices(ops) == ["agent_killed=firing", "agent_killed=resolved"]
        }
        let killed = try #require(
            AlertRoutingTests.payloads(ops, alertname: "HeartbeatExporterNotice").first?["alerts"]?.arrayValue?.first?
                .objectValue)
        #expect(killed["labels"]?.objectValue?["agent"]?.stringValue == "w1")
        #expect(killed["labels"]?.objectValue?["severity"]?.stringValue == "info")
        #expect(killed["annotations"]?.objectValue?["created_by"]?.stringValue == "alice")
        #expect(killed["annotations"]?.objectValue?["comment"]?.stringValue == "runaway cost")

        #expect(try await client.post("/api/v1/agents/w1/resume").status == 200)
        try await waitUntil("the resume is announced") { Self.notices(ops).contains("agent_resumed=firing") }

        let added = try await ExternalTool.run(
            "amtool",
            [
                "--no-version-check", "--alertmanager.url=\(exporter.baseURL)", "silence", "add", "agent=w9",
                "--comment=window", "--duration=1h",
            ])
        #expect(added.status == 0, "\(added.stderr)")
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try await waitUntil("the silence is announced with its ID") {
            AlertRoutingTests.payloads(ops, alertname: "HeartbeatExporterNotice").contains { payload in
                payload["alerts"]?.arrayValue?.first?.objectValue?["labels"]?.objectValue?["silence_id"]?.stringValue
                    == id
            }
        }
        let expired = try await ExternalTool.run(
            "amtool", ["--no-version-check", "--alertmanager.url=\(exporter.baseURL)", "silence", "expire", id])
        #expect(expired.status == 0, "\(expired.stderr)")
        try await Task.sleep(for: .seconds(3))
        #expect(!Self.notices(ops).contains("silence_expired=firing"), "silence_expired is not among the events")
        #expect(
            AlertRoutingTests.payloads(team, alertname: "HeartbeatExporterNotice").isEmpty,
            "notices go to the notices' receiver only")
        await exporter.terminate()
    }
}
