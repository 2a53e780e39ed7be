import Foundation
import JSON
import Testing

/// The rule engine end to end: the real binary, short thresholds, an agent that stops beating.
@Suite(.serialized)
struct RuleEvaluationTests {
    static let rules = """
        groups:
          - name: e2e
            interval: 1s
            rules:
              - alert: AgentUnreachable
                expr: agent_health{state="unreachable"} == 1
                for: 20s  # a pending window wide enough to be seen from a test process on a loaded machine
                labels: {severity: critical}
                annotations: {summary: "{{ $labels.agent }} stopped beating"}
        """

    func alertStates(_ client: HTTPTestClient) async throws -> [String] {
        let reply = try await client.get("/api/v1/alerts")
        return (reply.data.objectValue?["alerts"]?.arrayValue ?? []).compactMap { alert in
            guard alert.objectValue?["labels"]?.objectValue?["agent"]?.stringValue == "silent" else { return nil }
            return alert.objectValue?["state"]?.stringValue
        }
    }

    func waitFor(_ expected: [String], _ client: HTTPTestClient, timeout: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String] = []
        while Date() < deadline {
            last = try await alertStates(client)
            if last == expected { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("alerts never became \(expected); last \(last)")
    }

    @Test func anAgentThatStopsBeatingFiresAndResolves() async throws {
        let directory = NSTemporaryDirectory() + "rules-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try Self.rules.write(toFile: directory + "/rules/e2e.yml", atomically: true, encoding: .utf8)
        try """
        health: {degraded_after: 1s, unreachable_after: 2s}
        global: {evaluation_interval: 1s}
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("silent")).status == 202)

        // Pending for the rule's `for` (20 s), then firing. A test process running many suites may not look during
        // the pending window, so that it was pending is read from the firing alert's activeAt.
        try await waitFor(["firing"], client)
        let alerts = try await client.get("/api/v1/alerts").data.objectValue?["alerts"]?.arrayValue ?? []
        let activeAt = alerts.first?.objectValue?["activeAt"]?.stringValue
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let since = try #require(activeAt.flatMap { formatter.date(from: $0) ?? ISO8601DateFormatter().date(from: $0) })
        #expect(Date().timeIntervalSince(since) >= 19, "firing \(Date().timeIntervalSince(since)) s after activeAt")
        let rules = try await client.get("/api/v1/rules")
        let rule = rules.data.objectValue?["groups"]?.arrayValue?.first?.objectValue?["rules"]?.arrayValue?.first
        #expect(rule?.objectValue?["state"]?.stringValue == "firing")
        #expect(rule?.objectValue?["health"]?.stringValue == "ok")
        let metrics = try await client.get("/metrics").text
        #expect(sampleValue(metrics, #"heartbeat_exporter_alerts{alertname="AgentUnreachable",state="firing"}"#) == 1)
        // What the rules' history holds, and what its samples take.
        #expect((sampleValue(metrics, "heartbeat_exporter_rule_history_samples") ?? 0) > 0)
        #expect((sampleValue(metrics, "heartbeat_exporter_rule_history_bytes") ?? 0) > 0)

        // The agent comes back and keeps beating (a single beat would leave it healthy for only the 2 s of
        // unreachable_after, a window a loaded machine's rule thread can miss).
        let beating = Task {
            while !Task.isCancelled {
                _ = try? await client.post("/api/v1/heartbeat", HTTPTestClient.beat("silent"))
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
        defer { beating.cancel() }
        try await waitFor([], client)
    }

    @Test func aBadRuleFileOnReloadKeepsThePreviousRules() async throws {
        let directory = NSTemporaryDirectory() + "rules-reload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try Self.rules.write(toFile: directory + "/rules/e2e.yml", atomically: true, encoding: .utf8)
        try "global: {evaluation_interval: 1s}\n".write(
            toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        try "groups:\n  - name: broken\n    rules:\n      - alert: X\n        expr: sum(\n"
            .write(toFile: directory + "/rules/e2e.yml", atomically: true, encoding: .utf8)
        let check = try await ExternalTool.run(
            ExporterProcess.binary, ["rules", "check", directory + "/rules/e2e.yml"])
        let problem = check.stderr.replacingOccurrences(of: "  FAILED:\n", with: "")
        #expect(problem.hasPrefix(directory + "/rules/e2e.yml: 5:15: group \"broken\", rule 1, \"X\": "))

        let reload = try await client.post("/-/reload")
        #expect(reload.status == 400)
        #expect(reload.text == "failed to reload config: \(problem)")
        let groups = try await client.get("/api/v1/rules").data.objectValue?["groups"]?.arrayValue ?? []
        #expect(groups.compactMap { $0.objectValue?["name"]?.stringValue } == ["e2e"])
        #expect(
            sampleValue(try await client.get("/metrics").text, "heartbeat_exporter_config_last_reload_successful") == 0)

        exporter.send(SIGHUP)
        try await waitUntil("SIGHUP's refused reload is logged") {
            exporter.logText.components(separatedBy: "configuration reload failed").count == 3
        }
        #expect(exporter.logText.contains("group \\\"broken\\\", rule 1, \\\"X\\\""))
        let afterSignal = try await client.get("/api/v1/rules").data.objectValue?["groups"]?.arrayValue ?? []
        #expect(afterSignal.compactMap { $0.objectValue?["name"]?.stringValue } == ["e2e"])
    }
}
