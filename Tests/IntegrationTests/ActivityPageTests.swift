import Foundation
import JSON
import Testing
import TestSupport

/// The status page's activity pictures in a real headless Chromium (Tests/IntegrationTests/Browser/
/// activity_page_test.py): state strips and uptime against the API for an agent with known transitions, sparklines
/// from `/api/v1/activity`, sorting in natural order, nothing from another origin, no console error; and what an
/// operator's trial found (`activity_detail_checks.py`): exact hover times, "no data" before a young agent was seen,
/// the Tasks chart's series on one labelled axis, fleet charts that start at their data, readable Kill buttons in both
/// schemes, the "Current task" header whole, dependents in natural order. Screenshots of the fleet and the agent
/// pages, light and dark, in `.build/test-screenshots`.
@Suite(.serialized)
struct ActivityPageTests {
    static let browserScript = TestPaths.packageRoot.appendingPathComponent(
        "Tests/IntegrationTests/Browser/activity_page_test.py"
    ).path

    /// Agents of type `flappy` turn degraded after 3 s and unreachable after 4 s: the kill after its return must land
    /// before it is late again, even on a loaded machine.
    static let config = """
        health:
          by_agent_type:
            flappy: {degraded_after: 3s, unreachable_after: 4s}
        """

    /// Waits until `agent`'s recorded history has a transition to `state` (the sweep noticed it, not only the API).
    private func waitForTransition(to state: String, of agent: String, _ client: HTTPTestClient) async throws {
        let deadline = Date().addingTimeInterval(15)
        var last: [String] = []
        while Date() < deadline {
            let history = try await client.get("/api/v1/agents/\(agent)/history").data.arrayValue ?? []
            last = history.compactMap { $0.objectValue?["to"]?.stringValue }
            if last.contains(state) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("\(agent) never became \(state); history: \(last)")
    }

    @Test(.timeLimit(.minutes(3)))
    func stripsUptimeAndSparklinesAgreeWithTheAPIInARealBrowser() async throws {
        let directory = TestPaths.temporaryDirectory("activity-page")
        try Self.config.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(
            try await client.post("/api/v1/heartbeat", #"{"agent": "agent-1", "interval_seconds": 3600}"#).status == 202
        )
        for (index, name) in ["agent-10", "agent-2", "worker-3", "agent-1"].enumerated() {
            let failed = index % 2 == 0 ? #", {"success": false, "latency_ms": 900}"# : ""
            let dependsOn = name == "agent-1" ? "" : #", "depends_on": ["agent-1"]"#
            let beat = #"""
                {"agent": "\#(name)", "interval_seconds": 3600\#(dependsOn),
                 "tasks": [{"success": true, "latency_ms": 300, "cost_usd": 0.02}\#(failed)]}
                """#
            #expect(try await client.post("/api/v1/heartbeat", beat).status == 202)
        }
        let flappy = #"{"agent": "flappy-1", "agent_type": "flappy", "tasks": [{"success": true}]}"#
        #expect(try await client.post("/api/v1/heartbeat", flappy).status == 202)
        try await waitForTransition(to: "unreachable", of: "flappy-1", client)
        #expect(try await client.post("/api/v1/heartbeat", flappy).status == 202)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await client.post("/api/v1/agents/flappy-1/kill", #"{"by": "test"}"#).status == 200)

        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        let run = try await ExternalTool.run(
            python,
            [
                "-B", Self.browserScript, "--url", exporter.baseURL, "--agent", "flappy-1", "--young-agent", "agent-2",
                "--failing-agent", "agent-10", "--dependency", "agent-1", "--screenshots", StatusPageTests.screenshots,
            ])
        #expect(run.status == 0, "browser checks failed:\n\(run.stdout)\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "ok - ").count - 1 == 15, "\(run.stdout)")
        await exporter.terminate()
    }
}
