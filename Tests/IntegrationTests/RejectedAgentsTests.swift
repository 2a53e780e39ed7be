import Foundation
import HeartbeatClient
import JSON
import Logging
import Testing
import TestSupport

/// A client whose every beat is refused (nine labels) against the real binary: it never joins the fleet, yet it
/// is listed in `GET /api/v1/rejections`, counted on `/metrics`, and `HeartbeatsRejected` fires (the demo's
/// time-compressed copy of the shipped rule, evaluated every second) — also for the real `amtool`.
@Suite(.serialized)
struct RejectedAgentsTests {
    static func exporter() async throws -> ExporterProcess {
        let directory = TestPaths.temporaryDirectory("rejections-e2e")
        let rules = TestPaths.packageRoot.appendingPathComponent("examples/demo/rules/exporter.yml").path
        try """
        global: {evaluation_interval: 1s}
        rule_files: ['\(rules)']
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        return try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
    }

    @Test(.timeLimit(.minutes(2)))
    func aClientSendingNineLabelsIsListedAndFiresHeartbeatsRejected() async throws {
        let exporter = try await Self.exporter()
        let http = HTTPTestClient(baseURL: exporter.baseURL)
        let labels = Dictionary(uniqueKeysWithValues: (1...9).map { ("label_\($0)", "x") })
        var quiet = Logger(label: "heartbeat-client")
        quiet.logLevel = .critical
        let client = try HeartbeatClient(
            url: try #require(URL(string: exporter.baseURL)), agent: "labeller", labels: labels, logger: quiet)
        let beating = Task {
            while !Task.isCancelled {
                await client.beat()
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        defer { beating.cancel() }

        var entry: JSONObject?
        try await waitUntil("the refused client is listed", timeout: .seconds(15)) {
            let entries = try await http.get("/api/v1/rejections").data.objectValue?["rejections"]?.arrayValue ?? []
            entry = entries.compactMap(\.objectValue).first { $0["agent"]?.stringValue == "labeller" }
            return (entry?["count"]?.numberValue ?? 0) >= 2
        }
        #expect(entry?["reason"]?.stringValue == "too_many_labels")
        #expect(entry?["status"]?.numberValue == 429)
        #expect(entry?["last_error"]?.stringValue == #"field "labels": at most 8 labels per agent, got 9"#)
        let fleet = try await http.get("/api/v1/agents").data.objectValue?["agents"]?.arrayValue ?? []
        #expect(fleet.isEmpty, "a refused agent never joins the fleet")

        try await waitUntil("HeartbeatsRejected fires", timeout: .seconds(30)) {
            let alerts = try await http.get("/api/v1/alerts").data.objectValue?["alerts"]?.arrayValue ?? []
            return alerts.compactMap(\.objectValue).contains {
                $0["labels"]?.objectValue?["alertname"]?.stringValue == "HeartbeatsRejected"
                    && $0["labels"]?.objectValue?["reason"]?.stringValue == "too_many_labels"
                    && $0["state"]?.stringValue == "firing"
            }
        }
        let metrics = try await http.get("/metrics").text
        let refused = sampleValue(metrics, #"heartbeat_exporter_heartbeats_rejected_total{reason="too_many_labels"}"#)
        #expect((refused ?? 0) >= 2)
        // The rule's firing state is listed as soon as it is evaluated; the alert reaches the Alertmanager API once
        // the rule thread has handed it on, a moment later on a loaded machine.
        var amtool: ExternalTool.Result?
        try await waitUntil("amtool lists HeartbeatsRejected", timeout: .seconds(15)) {
            amtool = try await ExternalTool.run(
                "amtool", ["--alertmanager.url=\(exporter.baseURL)", "alert", "query", "alertname=HeartbeatsRejected"])
            return amtool?.status == 0 && amtool?.stdout.contains("HeartbeatsRejected") == true
        }
        #expect(amtool?.status == 0, "\(amtool?.stderr ?? "")")
        #expect(amtool?.stdout.contains("HeartbeatsRejected") == true, "\(amtool?.stdout ?? "")")
    }
}
