import Foundation
import JSON
import Testing
import TestSupport

/// Maintenance windows end to end, with time compressed through the configuration (degraded after 5 s, unreachable
/// after 10 s): the real binary evaluates health rules every second and routes to a webhook listener. (The CLI's
/// `maintenance` is driven by `MaintenanceCommandTests`.) A silent agent
/// in maintenance pages nobody, through a restart of the exporter; once the window ends its thresholds count from
/// the end, so it pages `degraded_after` later, not at once. A silent ephemeral agent is forgotten and pages nobody.
@Suite(.serialized)
struct MaintenanceWindowTests {
    static let rules = """
        groups:
          - name: health
            interval: 1s
            rules:
              - alert: AgentDegraded
                expr: agent_health{state="degraded"} == 1
              - alert: AgentUnreachable
                expr: agent_health{state="unreachable"} == 1 unless on (agent) agent_ephemeral
        """

    static let window = 15.0
    static let degradedAfter = 5.0

    @Test(.timeLimit(.minutes(2)))
    func aSilentAgentInMaintenancePagesOnlyDegradedAfterTheWindowEnds() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let directory = TestPaths.temporaryDirectory("maintenance-e2e")
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try Self.rules.write(toFile: directory + "/rules/health.yml", atomically: true, encoding: .utf8)
        try """
        health: {degraded_after: 5s, unreachable_after: 10s}
        global: {evaluation_interval: 1s}
        \(AlertRoutingTests.webhookRouting([("hook", listener.url)]))
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        let arguments = ["--config.file", directory + "/hx.yml"]
        let exporter = try await ExporterProcess(arguments: arguments)
        let client = HTTPTestClient(baseURL: exporter.baseURL)

        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("control-1")).status == 202)
        let ephemeral = try await client.post("/api/v1/heartbeat", #"{"agent": "batch-1", "ephemeral": true}"#)
        #expect(ephemeral.status == 202)
        // Last, right before its window: it must not be late before the window opens.
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("maint-1")).status == 202)
        // Taken before the request: the window starts when the exporter receives it, a moment later. (Through the
        // API, not the CLI: starting a process on a loaded machine can take longer than the threshold.)
        let windowSet = Date()
        let window = try await client.post(
            "/api/v1/agents/maint-1/maintenance", #"{"duration": "15s", "reason": "disk swap"}"#)
        #expect(window.status == 200, "\(window.text)")

        // The control agent, silent like the others, pages: the listener and the rules work.
        try await waitUntil("control-1 pages AgentDegraded", timeout: .seconds(20)) {
            !ResumeTests.payloads(listener, agent: "control-1", alertname: "AgentDegraded").isEmpty
        }

        // A restart in the middle of the window: the window was committed and comes back.
        #expect(await exporter.terminate() == 0)
        let restarted = try await ExporterProcess(
            storagePath: exporter.storagePath, arguments: arguments, port: exporter.port)
        let again = HTTPTestClient(baseURL: restarted.baseURL)
        let during = try await again.get("/api/v1/agents/maint-1").data.objectValue
        #expect(during?["state"]?.stringValue == "maintenance")
        #expect(during?["maintenance"]?.objectValue?["reason"]?.stringValue == "disk swap")

        // Until the window ends and degraded_after more has passed, nothing arrives for maint-1.
        let quietUntil = windowSet.addingTimeInterval(Self.window + Self.degradedAfter - 1)
        while Date() < quietUntil {
            #expect(ResumeTests.payloads(listener, agent: "maint-1").isEmpty, "maint-1 paged during its window")
            try await Task.sleep(for: .milliseconds(500))
        }
        try await waitUntil("maint-1 pages AgentDegraded after the window", timeout: .seconds(20)) {
            !ResumeTests.payloads(listener, agent: "maint-1", alertname: "AgentDegraded").isEmpty
        }
        let received = Date()
        for startsAt in ResumeTests.startTimes(listener, agent: "maint-1", alertname: "AgentDegraded") {
            let offset = startsAt.timeIntervalSince(windowSet)
            #expect(
                offset >= Self.window + Self.degradedAfter - 1,
                "AgentDegraded started \(offset) s after the window was set")
        }
        #expect(
            received.timeIntervalSince(windowSet) < Self.window + Self.degradedAfter + 10,
            "and arrives within an evaluation, the group wait and some slack of the threshold")

        // The ephemeral agent went silent long ago: forgotten, logged, counted, never paged.
        #expect(try await again.get("/api/v1/agents/batch-1").status == 404)
        #expect(ResumeTests.payloads(listener, agent: "batch-1").isEmpty)
        #expect(exporter.logText.contains("forgotten") || restarted.logText.contains("forgotten"))
        let metrics = try await again.get("/metrics").text
        #expect(!metrics.contains(#"agent="batch-1""#))
        #expect(await restarted.terminate() == 0)
    }
}

/// `heartbeat-exporter maintenance` against the real binary: by matchers, ended early, and refused with the field
/// named.
@Suite(.serialized)
struct MaintenanceCommandTests {
    func cli(_ arguments: [String], _ exporter: ExporterProcess) async throws -> ExternalTool.Result {
        try await ExternalTool.run(
            ExporterProcess.binary, ["maintenance"] + arguments,
            environment: ["HEARTBEAT_EXPORTER_URL": exporter.baseURL])
    }

    @Test func matchersEndAndBadWindows() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(
            try await client.post("/api/v1/heartbeat", #"{"agent": "pay-1", "labels": {"team": "payments"}}"#).status
                == 202)
        #expect(
            try await client.post("/api/v1/heartbeat", #"{"agent": "search-1", "labels": {"team": "search"}}"#).status
                == 202)

        for name in ["pay-10", "pay-9"] {
            let body = #"{"agent": "\#(name)", "labels": {"team": "payments"}}"#
            #expect(try await client.post("/api/v1/heartbeat", body).status == 202)
        }

        let matched = try await cli(["team=payments", "--for", "1h", "--reason", "migration"], exporter)
        #expect(matched.status == 0, "\(matched.stderr)")
        #expect(matched.stdout.hasPrefix("3 agents in maintenance until "), "\(matched.stdout)")
        #expect(matched.stdout.hasSuffix(": pay-1, pay-9, pay-10\n"), "natural order: \(matched.stdout)")
        let listed = try await ExternalTool.run(
            ExporterProcess.binary, ["agents", "--state", "maintenance"],
            environment: ["HEARTBEAT_EXPORTER_URL": exporter.baseURL])
        #expect(listed.stdout.contains("pay-1") && !listed.stdout.contains("search-1"), "\(listed.stdout)")
        #expect(listed.stdout.contains("3 maintenance"), "\(listed.stdout)")
        let listedNames = listed.stdout.split(separator: "\n").dropFirst().compactMap {
            $0.split(separator: " ").first.map(String.init)
        }
        #expect(listedNames.prefix(3) == ["pay-1", "pay-9", "pay-10"], "natural order: \(listed.stdout)")

        let ended = try await cli(["pay-1", "--end"], exporter)
        #expect(ended.stdout == "agent pay-1: healthy\n", "\(ended.stdout)\(ended.stderr)")
        let endedAgain = try await cli(["pay-1", "--end"], exporter)
        #expect(endedAgain.status == 1, "no window is open any more: \(endedAgain.stdout)")
        #expect(endedAgain.stderr.contains(#"agent "pay-1" has no maintenance window open"#), "\(endedAgain.stderr)")

        let tooLong = try await cli(["pay-1", "--for", "8d"], exporter)
        #expect(tooLong.status == 1)
        #expect(tooLong.stderr.contains(#"field "duration": the window must last at most 1w"#), "\(tooLong.stderr)")
        let past = try await cli(["pay-1", "--until", "2020-01-01T00:00:00Z"], exporter)
        #expect(past.status == 1)
        #expect(past.stderr.contains(#"field "until": the window must end in the future"#), "\(past.stderr)")
        let neither = try await cli(["pay-1"], exporter)
        #expect(neither.status == 64)
        #expect(neither.stderr.contains("give either --for or --until"), "\(neither.stderr)")
        #expect(await exporter.terminate() == 0)
    }

    @Test func matchersSelectingNoAgentFailNamingTheMatchers() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(
            try await client.post("/api/v1/heartbeat", #"{"agent": "pay-1", "labels": {"team": "payments"}}"#).status
                == 202)
        let none = try await cli(["team=billing", "--for", "1h"], exporter)
        #expect(none.status == 1, "\(none.stdout)")
        #expect(none.stdout.isEmpty, "\(none.stdout)")
        #expect(none.stderr == "error: no agent matches team=billing\n", "\(none.stderr)")
        let unknown = try await cli(["billing-1", "--for", "1h"], exporter)
        #expect(unknown.status == 1)
        #expect(unknown.stderr == #"error: HTTP 404: unknown agent "billing-1""# + "\n", "\(unknown.stderr)")
        let agents = try await client.get("/api/v1/agents?state=maintenance")
        #expect(!String(decoding: agents.body, as: UTF8.self).contains("pay-1"), "nothing was put in maintenance")
        #expect(await exporter.terminate() == 0)
    }
}
