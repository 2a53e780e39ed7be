import Foundation
import JSON
import Testing
import TestSupport

/// The rules' sample history across restarts, end to end: the real binary, a real webhook listener, an agent
/// beating with a growing cost, and a rate-based alert firing. Neither a SIGTERM nor a `kill -9` (with a 2 s
/// checkpoint interval, at most 2 s of history lost) makes the webhook receive anything new.
@Suite(.serialized)
struct RuleHistoryRestartTests {
    static let rules = """
        groups:
          - name: cost
            interval: 1s
            rules:
              - alert: CostRising
                expr: rate(agent_cost_usd_total[2m]) > 0
                annotations: {summary: "{{ $labels.agent }} is spending"}
        """

    /// Starts the exporter with the rule above, a 2 s checkpoint interval and one webhook receiver.
    static func exporter(webhook: URL) async throws -> ExporterProcess {
        let directory = TestPaths.temporaryDirectory("history-e2e")
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try rules.write(toFile: directory + "/rules/cost.yml", atomically: true, encoding: .utf8)
        try """
        global: {evaluation_interval: 1s, rule_history_checkpoint_interval: 2s}
        route:
          receiver: hook
          group_by: [alertname, agent]
          group_wait: 1s
          group_interval: 2s
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs: [{url: '\(webhook.absoluteString)'}]
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        return try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
    }

    /// The statuses of the webhook payloads received so far.
    static func statuses(_ listener: LocalHTTPServer) -> [String] {
        listener.requests.compactMap { try? JSONParser.parse($0.body).objectValue?["status"]?.stringValue }
    }

    /// Beats once a second, each beat one task costing 0.5 USD, for `seconds` or until `until` holds.
    static func beat(
        _ exporter: ExporterProcess, for seconds: Int, until done: () -> Bool = { false }
    ) async throws {
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        for _ in 0..<seconds {
            let body = HTTPTestClient.beat("spender", extra: #""tasks": [{"success": true, "cost_usd": 0.5}]"#)
            #expect(try await client.post("/api/v1/heartbeat", body).status == 202)
            if done() { return }
            try await Task.sleep(for: .seconds(1))
        }
    }

    @Test func aRateAlertStaysQuietAcrossATerminationAndAKill() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let first = try await Self.exporter(webhook: listener.url)
        let configArguments = Array(first.process.arguments?.suffix(2) ?? [])
        try await Self.beat(first, for: 60) { !Self.statuses(listener).isEmpty }
        #expect(Self.statuses(listener) == ["firing"])
        try await Self.beat(first, for: 5)  // two checkpoints after the alert fired
        #expect(await first.terminate() == 0)

        let second = try await ExporterProcess(storagePath: first.storagePath, arguments: configArguments)
        try await Self.beat(second, for: 30)
        #expect(Self.statuses(listener) == ["firing"], "nothing new after a SIGTERM and a restart")

        await second.killHard()
        let third = try await ExporterProcess(storagePath: first.storagePath, arguments: configArguments)
        try await Self.beat(third, for: 30)
        #expect(Self.statuses(listener) == ["firing"], "nothing new after a kill -9 and a restart")
        #expect(await third.terminate() == 0)
    }
}
