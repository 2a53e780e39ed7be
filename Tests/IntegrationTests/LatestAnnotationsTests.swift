import Foundation
import JSON
import Testing
import TestSupport

/// The real binary evaluating a rule every second whose summary carries the value, read back with the real
/// `amtool alert query`: each evaluation's annotations reach the Alertmanager API well before Prometheus'
/// one-minute resend would carry them.
@Suite(.serialized)
struct LatestAnnotationsTests {
    static let rules = """
        groups:
          - name: queue
            interval: 1s
            rules:
              - alert: QueueDeep
                expr: agent_queue_depth > 0
                labels: {severity: warning}
                annotations: {summary: "{{ $labels.agent }} has {{ $value }} tasks queued"}
        """

    static func exporter() async throws -> ExporterProcess {
        let directory = TestPaths.temporaryDirectory("annotations-e2e")
        try rules.write(toFile: directory + "/queue.yml", atomically: true, encoding: .utf8)
        try """
        global: {evaluation_interval: 1s}
        rule_files: ['\(directory)/queue.yml']
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        return try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
    }

    /// The alerts `amtool alert query -o json` prints, by their `summary` annotation, with their `updatedAt`.
    static func queried(_ exporter: ExporterProcess) async throws -> [(
        summary: String, startsAt: String, updatedAt: String
    )] {
        let result = try await ExternalTool.run(
            "amtool", ["--alertmanager.url=\(exporter.baseURL)", "alert", "query", "-o", "json", "alertname=QueueDeep"])
        #expect(result.status == 0, "\(result.stderr)")
        let alerts = (try? JSONParser.parse(Array(result.stdout.utf8)))?.arrayValue ?? []
        return alerts.compactMap { alert in
            guard let object = alert.objectValue,
                let summary = object["annotations"]?.objectValue?["summary"]?.stringValue,
                let startsAt = object["startsAt"]?.stringValue, let updatedAt = object["updatedAt"]?.stringValue
            else { return nil }
            return (summary, startsAt, updatedAt)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func amtoolShowsTheAnnotationOfTheLatestEvaluation() async throws {
        let exporter = try await Self.exporter()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let beat = { (queue: Int) in
            try await client.post(
                "/api/v1/heartbeat", HTTPTestClient.beat("worker-1", extra: #""metrics": {"queue_depth": \#(queue)}"#))
        }
        #expect(try await beat(3).status == 202)
        var first: (summary: String, startsAt: String, updatedAt: String)?
        try await waitUntil("amtool lists the alert", timeout: .seconds(15)) {
            first = try await Self.queried(exporter).first
            return first?.summary == "worker-1 has 3 tasks queued"
        }
        // Prometheus would resend the alert only a minute after it first fired; the exporter's own store takes
        // every evaluation, so the new value shows within a few evaluations.
        #expect(try await beat(7).status == 202)
        var latest: (summary: String, startsAt: String, updatedAt: String)?
        try await waitUntil("amtool shows the new summary", timeout: .seconds(15)) {
            latest = try await Self.queried(exporter).first
            return latest?.summary == "worker-1 has 7 tasks queued"
        }
        #expect(latest?.startsAt == first?.startsAt, "the same alert, still started when it first fired")
        #expect(latest?.updatedAt != first?.updatedAt, "updatedAt moved with the evaluation")
        #expect(try await beat(11).status == 202)
        try await waitUntil("amtool shows the newest summary", timeout: .seconds(15)) {
            try await Self.queried(exporter).first?.summary == "worker-1 has 11 tasks queued"
        }
    }
}
