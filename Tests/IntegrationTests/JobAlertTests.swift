import Foundation
import JSON
import Testing
import TestSupport

/// The shipped rules of `rules/jobs.yml` end to end: the real binary evaluates them (their `for` and AgentMissing's
/// 600 seconds shortened to 2s, the only change) and routes to a webhook listener. A failing `heartbeat-exporter run` pages `JobFailed` once with the
/// exit code and last line in the API; a job whose run does not start within its grace pages `JobLate`; an expected
/// agent that never beats is `missing` from start-up in the API, the CLI and `/metrics` and pages `AgentMissing`;
/// its type, below its expected count, pages `FleetBelowExpected`.
@Suite(.serialized)
struct JobAlertTests {
    static func setUp(_ listener: LocalHTTPServer) throws -> (directory: String, arguments: [String]) {
        let directory = TestPaths.temporaryDirectory("job-alerts")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let shipped = try String(
            contentsOf: TestPaths.packageRoot.appendingPathComponent("rules/jobs.yml"), encoding: .utf8)
        let compressed = shipped.replacingOccurrences(of: "for: 5m", with: "for: 2s")
            .replacingOccurrences(
                of: "agent_missing_since_timestamp_seconds >= 600", with: "agent_missing_since_timestamp_seconds >= 2")
        #expect(compressed != shipped)
        try compressed.write(toFile: directory + "/jobs.yml", atomically: true, encoding: .utf8)
        try """
        global: {evaluation_interval: 1s}
        rule_files: ['\(directory)/jobs.yml']
        fleet:
          expected:
            agents:
              - {name: indexer-1, agent_type: indexer, labels: {team: search}}
        \(AlertRoutingTests.webhookRouting([("hook", listener.url)]))
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        try "#!/bin/sh\necho 'copying 3 files'\necho 'disk full: /var/backup' >&2\nexit 3\n".write(
            toFile: directory + "/backup.sh", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory + "/backup.sh")
        return (directory, ["--config.file", directory + "/hx.yml"])
    }

    /// The firing alerts named `alertname` the listener received, each as its labels and annotations.
    static func firing(_ listener: LocalHTTPServer, _ alertname: String) -> [JSONObject] {
        AlertRoutingTests.payloads(listener, alertname: alertname).flatMap { payload in
            (payload["alerts"]?.arrayValue ?? []).compactMap(\.objectValue).filter {
                $0["status"]?.stringValue == "firing"
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func failedLateAndMissingJobsPageThroughTheShippedRules() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let (directory, arguments) = try Self.setUp(listener)
        let exporter = try await ExporterProcess(arguments: arguments)
        let client = HTTPTestClient(baseURL: exporter.baseURL)

        // Missing from start-up: API, CLI and /metrics.
        let missing = try await client.get("/api/v1/agents/indexer-1").data.objectValue
        #expect(missing?["state"]?.stringValue == "missing")
        #expect(missing?["agent_type"]?.stringValue == "indexer")
        #expect(missing?["last_heartbeat"] == .null)
        let table = try await ExternalTool.run(
            ExporterProcess.binary, ["agents"], environment: ["HEARTBEAT_EXPORTER_URL": exporter.baseURL])
        #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix("indexer-1") && $0.contains("missing") })
        #expect(table.stdout.contains("Summary: 0 healthy, 0 degraded, 0 unreachable, 1 missing, 0 killed"))
        let metrics = try await client.get("/metrics")
        #expect(metrics.text.contains(#"heartbeat_exporter_agents_expected{agent_type="indexer"} 1"# + "\n"))
        #expect(
            metrics.text.contains(#"agent_health{agent="indexer-1",agent_type="indexer",state="missing"} 1"# + "\n"))
        #expect(metrics.text.contains(#"heartbeat_exporter_agents{state="missing"} 1"# + "\n"))
        let check = try await ExternalTool.run("promtool", ["check", "metrics"], input: metrics.body)
        #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")

        // A job due every minute with a second's grace, beating now: late at the next minute and a second.
        let late = try await client.post(
            "/api/v1/heartbeat",
            #"{"agent": "minutely", "schedule": {"cron": "* * * * *", "grace_seconds": 1}}"#,
            headers: ["Content-Type": "application/json"])
        #expect(late.status == 202)

        let run = try await ExternalTool.run(
            ExporterProcess.binary, ["run", "backup", "--", directory + "/backup.sh"],
            environment: ["HEARTBEAT_EXPORTER_URL": exporter.baseURL])
        #expect(run.status == 3)
        let lastRun = try await client.get("/api/v1/agents/backup").data.objectValue?["last_run"]?.objectValue
        #expect(lastRun?["exit_code"]?.numberValue == 3)
        #expect(lastRun?["output"]?.stringValue?.hasSuffix("disk full: /var/backup\n") == true)

        try await waitUntil("JobFailed, AgentMissing and FleetBelowExpected page", timeout: .seconds(30)) {
            !Self.firing(listener, "JobFailed").isEmpty && !Self.firing(listener, "AgentMissing").isEmpty
                && !Self.firing(listener, "FleetBelowExpected").isEmpty
        }
        let failed = Self.firing(listener, "JobFailed").first
        #expect(failed?["labels"]?.objectValue?["agent"]?.stringValue == "backup")
        #expect(failed?["annotations"]?.objectValue?["summary"]?.stringValue == "Job backup failed its last run")
        let absent = Self.firing(listener, "AgentMissing").first?["labels"]?.objectValue
        #expect(absent?["agent"]?.stringValue == "indexer-1" && absent?["agent_type"]?.stringValue == "indexer")
        let below = Self.firing(listener, "FleetBelowExpected").first?["labels"]?.objectValue
        #expect(below?["agent_type"]?.stringValue == "indexer")

        try await waitUntil("JobLate pages once the minute's run is past its grace", timeout: .seconds(75)) {
            !Self.firing(listener, "JobLate").isEmpty
        }
        #expect(Self.firing(listener, "JobLate").first?["labels"]?.objectValue?["agent"]?.stringValue == "minutely")
        #expect(Self.firing(listener, "JobFailed").count == 1, "a failed run pages once")
        #expect(await exporter.terminate() == 0)
    }

    /// A reload lists the agents it expects now and forgets the missing ones it no longer expects; an agent that
    /// beat once is stored like any other and survives a restart; a missing one is stored with the time it was first
    /// listed, which a restart keeps, and is forgotten by a restart whose configuration no longer lists it.
    @Test func expectedAgentsFollowAReloadAndOnlyAgentsSeenAreStored() async throws {
        let directory = TestPaths.temporaryDirectory("expected-reload")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/hx.yml"
        try "fleet: {expected: {agents: [{name: ghost-a, agent_type: indexer}]}}\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", config])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.get("/api/v1/agents/ghost-a").data.objectValue?["state"]?.stringValue == "missing")

        try """
        fleet:
          expected:
            agents: [{name: ghost-b, agent_type: indexer}, {name: seen, agent_type: indexer}]
            minimum_by_agent_type: {indexer: 3}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try await client.post("/-/reload").status == 200)
        #expect(try await client.get("/api/v1/agents/ghost-a").status == 404)
        let ghost = try await client.get("/api/v1/agents/ghost-b").data.objectValue
        #expect(ghost?["state"]?.stringValue == "missing")
        let missingSince = try #require(ghost?["missing_since"]?.stringValue)
        #expect(try await client.post("/api/v1/heartbeat", #"{"agent": "seen"}"#).status == 202)
        let seen = try await client.get("/api/v1/agents/seen").data.objectValue
        #expect(seen?["state"]?.stringValue == "healthy" && seen?["agent_type"]?.stringValue == "indexer")
        let metrics = try await client.get("/metrics").text
        #expect(metrics.contains(#"heartbeat_exporter_agents_expected{agent_type="indexer"} 3"# + "\n"))
        #expect(await exporter.terminate() == 0)

        // Restarted with the same configuration: ghost-b is missing since it was first listed, not since the restart
        // (AgentMissing counts from it).
        let same = try await ExporterProcess(storagePath: exporter.storagePath, arguments: ["--config.file", config])
        let sameClient = HTTPTestClient(baseURL: same.baseURL)
        let restored = try await sameClient.get("/api/v1/agents/ghost-b").data.objectValue
        #expect(restored?["state"]?.stringValue == "missing")
        #expect(restored?["missing_since"]?.stringValue == missingSince)
        let series = try await sameClient.get("/metrics").text
        #expect(series.contains(#"agent_missing_since_timestamp_seconds{agent="ghost-b",agent_type="indexer"}"#))
        #expect(await same.terminate() == 0)

        // Restarted without the fleet section: the agent seen is stored, the missing one is forgotten.
        try "{}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let restarted = try await ExporterProcess(
            storagePath: exporter.storagePath, arguments: ["--config.file", config])
        let again = HTTPTestClient(baseURL: restarted.baseURL)
        #expect(try await again.get("/api/v1/agents/seen").data.objectValue?["agent_type"]?.stringValue == "indexer")
        #expect(try await again.get("/api/v1/agents/ghost-b").status == 404)
        #expect(!(try await again.get("/metrics").text.contains("heartbeat_exporter_agents_expected")))
        _ = await restarted.terminate()
    }
}
