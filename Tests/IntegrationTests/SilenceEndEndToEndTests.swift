import Foundation
import JSON
import Testing
import TestSupport

/// A silence that ends while its alert still fires, end to end: the real binary, the real `amtool` and a webhook
/// listener. The repeat interval is an hour and the group interval a second, so only the renotification of an
/// ended silence can explain a second delivery within seconds.
@Suite(.serialized)
struct SilenceEndEndToEndTests {
    @Test func anAlertFiringWhenAmtoolExpiresItsSilenceIsNotifiedAtTheNextGroupFlush() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let exporter = try await AlertRoutingTests.exporter(
            routing: AlertRoutingTests.webhookRouting([("hook", listener.url)], groupInterval: "1s"))
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let amtool = { (arguments: [String]) async throws -> ExternalTool.Result in
            try await ExternalTool.run(
                "amtool", ["--no-version-check", "--alertmanager.url=\(exporter.baseURL)"] + arguments)
        }
        let seen = { ResumeTests.payloads(listener, agent: "w1", alertname: "AgentSeen") }
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("w1")).status == 202)
        try await waitUntil("AgentSeen is notified") { seen().count == 1 }

        let added = try await amtool(["silence", "add", "agent=w1", "--comment=maintenance", "--duration=1h"])
        #expect(added.status == 0, "\(added.stderr)")
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try await waitUntil("AgentSeen is listed as silenced") {
            let alerts = try await client.get("/api/v2/alerts?filter=agent%3D%22w1%22").json.arrayValue ?? []
            return alerts.contains {
                $0.objectValue?["status"]?.objectValue?["silencedBy"]?.arrayValue?.first?.stringValue == id
            }
        }
        try await Task.sleep(for: .seconds(3))  // three group intervals
        #expect(seen().count == 1, "nothing is sent while the silence is active")

        let expiredAt = Date()
        let expired = try await amtool(["silence", "expire", id])
        #expect(expired.status == 0, "\(expired.stderr)")
        try await waitUntil("the still-firing alert is notified again", timeout: .seconds(10)) { seen().count == 2 }
        #expect(Date().timeIntervalSince(expiredAt) < 10, "at the next group flush, not after the 1h repeat interval")
        let again = try #require(seen().last)
        #expect(again["status"]?.stringValue == "firing")
        let alert = again["alerts"]?.arrayValue?.first?.objectValue
        #expect(alert?["labels"]?.objectValue?["alertname"]?.stringValue == "AgentSeen")
        try await Task.sleep(for: .seconds(3))
        #expect(seen().count == 2, "notified once, not at every flush after the silence ended")
        await exporter.terminate()
    }
}
