import Foundation
import JSON
import Testing
import TestSupport

/// The real binary with the README's nightly examples: the operator's thresholds win over the beat's interval, a
/// beat's schedule and a configured one judge their agents, `agent_next_run_timestamp_seconds` passes
/// `promtool check metrics`, and a schedule survives a restart.
@Suite(.serialized)
struct ScheduleTests {
    static let config = """
        health:
          by_agent_type:
            nightly: {degraded_after: 25h, unreachable_after: 26h}
        schedules:
          - matchers: ['agent="configured-job"']
            cron: '30 2 * * *'
            timezone: America/New_York
            grace: 45m
        """

    @Test func schedulesAndOperatorThresholdsJudgeAgentsAndSurviveARestart() async throws {
        let directory = TestPaths.temporaryDirectory("schedules-e2e")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.config.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        let arguments = ["--config.file", directory + "/hx.yml"]
        let first = try await ExporterProcess(arguments: arguments)
        let client = HTTPTestClient(baseURL: first.baseURL)
        let beats = [
            #"{"agent": "interval-job", "interval_seconds": 86400}"#,
            #"{"agent": "typed-job", "agent_type": "nightly", "interval_seconds": 86400}"#,
            #"{"agent": "configured-job"}"#,
            #"""
            {"agent": "nightly-report", "interval_seconds": 86400,
             "schedule": {"cron": "0 3 * * *", "timezone": "Europe/Berlin", "grace_seconds": 3600}}
            """#,
        ]
        for beat in beats { #expect(try await client.post("/api/v1/heartbeat", beat).status == 202) }

        let sources = try await Self.sources(client)
        #expect(
            sources == [
                "configured-job": "schedules", "interval-job": "interval_seconds_batch",
                "nightly-report": "schedule", "typed-job": "health.by_agent_type",
            ])
        let interval = try await client.get("/api/v1/agents/interval-job").data.objectValue?["thresholds"]
        #expect(interval?.objectValue?["degraded_after_seconds"]?.numberValue == 95_040)
        #expect(interval?.objectValue?["unreachable_after_seconds"]?.numberValue == 181_440)

        let metrics = try await client.get("/metrics")
        let nextRuns = String(decoding: metrics.body, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("agent_next_run_timestamp_seconds{") }
        #expect(nextRuns.count == 2)
        let check = try await ExternalTool.run("promtool", ["check", "metrics"], input: metrics.body)
        #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")

        let cli = try await ExternalTool.run(
            ExporterProcess.binary,
            ["beat", "cli-job", "--schedule", "0 3 * * *", "--timezone", "Europe/Berlin", "--grace", "1h"],
            environment: ["HEARTBEAT_EXPORTER_URL": first.baseURL])
        #expect(cli.status == 0 && cli.stdout == "agent cli-job: healthy\n")
        let cliJob = try await client.get("/api/v1/agents/cli-job").data.objectValue?["schedule"]?.objectValue
        #expect(cliJob?["cron"]?.stringValue == "0 3 * * *" && cliJob?["grace_seconds"]?.numberValue == 3_600)
        let refused = try await ExternalTool.run(
            ExporterProcess.binary, ["beat", "bad-job", "--schedule", "61 * * * *"],
            environment: ["HEARTBEAT_EXPORTER_URL": first.baseURL])
        #expect(refused.status == 1)
        #expect(refused.stderr == "error: HTTP 422: field \"schedule.cron\": minute field: 61 is not in 0-59\n")

        let before = try await client.get("/api/v1/agents/nightly-report").data.objectValue?["schedule"]
        #expect(await first.terminate() == 0)
        let second = try await ExporterProcess(storagePath: first.storagePath, arguments: arguments)
        let after = try await HTTPTestClient(baseURL: second.baseURL).get("/api/v1/agents/nightly-report")
        #expect(after.data.objectValue?["schedule"] == before)
        #expect(after.data.objectValue?["schedule"]?.objectValue?["timezone"]?.stringValue == "Europe/Berlin")
        _ = await second.terminate()
    }

    static func sources(_ client: HTTPTestClient) async throws -> [String: String] {
        var sources: [String: String] = [:]
        for agent in ["configured-job", "interval-job", "nightly-report", "typed-job"] {
            let thresholds = try await client.get("/api/v1/agents/\(agent)").data.objectValue?["thresholds"]
            sources[agent] = thresholds?.objectValue?["source"]?.stringValue
        }
        return sources
    }
}
