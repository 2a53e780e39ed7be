import Foundation
import JSON
import Testing
import TestSupport

/// Acknowledging an alert with the real binary, its CLI and a webhook listener, with intervals of seconds: the
/// acknowledged alert is not repeated; once it resolves and fires again it notifies again, and repeats again.
@Suite(.serialized)
struct AcknowledgementEndToEndTests {
    /// `w1` firing statuses received, in order (`firing`, `resolved`).
    static func notified(_ listener: LocalHTTPServer) -> [String] {
        ResumeTests.payloads(listener, agent: "w1").flatMap { payload in
            (payload["alerts"]?.arrayValue ?? []).compactMap { $0.objectValue?["status"]?.stringValue }
        }
    }

    @Test func anAcknowledgedAlertIsNotRepeatedUntilItResolvesAndFiresAgain() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let config = try CompressedTimeConfig.write(
            "ack-e2e",
            extra: """
                route:
                  receiver: hook
                  group_by: [alertname, agent]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 4s
                receivers:
                  - name: hook
                    webhook_configs: [{url: '\(listener.url.absoluteString)'}]
                """)
        let exporter = try await ExporterProcess(arguments: ["--config.file", config])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let cli = { (arguments: [String]) async throws -> ExternalTool.Result in
            try await ExternalTool.run(
                ExporterProcess.binary, arguments, environment: ["HEARTBEAT_EXPORTER_URL": exporter.baseURL])
        }
        #expect(try await client.post("/api/v1/heartbeat", #"{"agent": "w1"}"#).status == 202)
        try await waitUntil("the alert is notified") { Self.notified(listener) == ["firing"] }

        let ack = try await cli(["alerts", "ack", "agent=w1", "--comment", "restarting it", "--author", "alice"])
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect(ack.stdout.hasSuffix(" (1 firing alert acknowledged)\n"), "\(ack.stdout)")
        let listed = try await cli(["alerts"])
        #expect(listed.stdout.contains("ACK"), "\(listed.stdout)")
        #expect(listed.stdout.contains("alice "), "the ACK column names who: \(listed.stdout)")
        try await Task.sleep(for: .seconds(10))  // more than twice the repeat interval
        #expect(Self.notified(listener) == ["firing"], "not repeated while acknowledged")

        #expect(try await client.post("/api/v1/heartbeat", #"{"agent": "w1"}"#).status == 202)
        try await waitUntil("its resolution is notified") { Self.notified(listener) == ["firing", "resolved"] }
        let left = try await client.get("/api/v1/alerts/acknowledgements").data.arrayValue
        #expect(left?.isEmpty == true, "the acknowledgement ended with the alert")

        try await waitUntil("it fires again and notifies again") {
            Self.notified(listener) == ["firing", "resolved", "firing"]
        }
        try await waitUntil("and is repeated again, no longer acknowledged", timeout: .seconds(30)) {
            Self.notified(listener).count >= 4
        }
        await exporter.terminate()
    }
}
