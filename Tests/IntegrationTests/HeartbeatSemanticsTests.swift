import Foundation
import Testing

/// Idempotent retries, restarts, kill replies, format negotiation: seen from outside, on the real binary.
@Suite(.serialized)
struct HeartbeatSemanticsTests {
    @Test func aRetriedBeatIsCountedOnceAndANewRunCountsARestart() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let first = try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("w", run: "r1", seq: 1))
        #expect(first.status == 202)
        #expect(first.data.objectValue?["state"]?.stringValue == "healthy")
        let retry = try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("w", run: "r1", seq: 1))
        #expect(retry.status == 202)
        #expect(retry.data.objectValue?["duplicate"] == .bool(true))

        var metrics = try await client.get("/metrics").text
        #expect(sampleValue(metrics, #"agent_heartbeats_total{agent="w"}"#) == 1)
        #expect(sampleValue(metrics, #"agent_restarts_total{agent="w"}"#) == 0)

        _ = try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("w", run: "r2", seq: 1))
        metrics = try await client.get("/metrics").text
        #expect(sampleValue(metrics, #"agent_heartbeats_total{agent="w"}"#) == 2)
        #expect(sampleValue(metrics, #"agent_restarts_total{agent="w"}"#) == 1)
        #expect(sampleValue(metrics, #"heartbeat_exporter_heartbeats_received_total{result="duplicate"}"#) == 1)
    }

    @Test func aKilledAgentIsToldToStopInItsReply() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        _ = try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("runaway"))
        let kill = try await client.post("/api/v1/agents/runaway/kill", #"{"reason": "cost", "by": "ops"}"#)
        #expect(kill.status == 200)
        let reply = try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("runaway"))
        #expect(reply.data.objectValue?["killed"] == .bool(true))
        #expect(reply.data.objectValue?["directive"]?.stringValue == "stop")
        let metrics = try await client.get("/metrics").text
        #expect(sampleValue(metrics, #"agent_killed{agent="runaway"}"#) == 1)
        #expect(sampleValue(metrics, #"agent_health{agent="runaway",state="killed"}"#) == 1)
        #expect(sampleValue(metrics, #"agent_up{agent="runaway"}"#) == 0)
        _ = try await client.post("/api/v1/agents/runaway/resume")
        let resumed = try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("runaway"))
        #expect(resumed.data.objectValue?["killed"] == .bool(false))
    }

    @Test func openMetricsAndGzipAreNegotiated() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        _ = try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("om"))
        let openMetrics = try await client.get(
            "/metrics", headers: ["Accept": "application/openmetrics-text;version=1.0.0"])
        #expect(openMetrics.headers["content-type"]?.hasPrefix("application/openmetrics-text; version=1.0.0") == true)
        #expect(openMetrics.text.hasSuffix("# EOF\n"))
        #expect(openMetrics.text.contains("# TYPE agent_heartbeats counter\n"))
        let plain = try await client.get("/metrics", headers: ["Accept": "text/plain"])
        #expect(plain.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")

        let raw = try await ExternalTool.run(
            "curl",
            [
                "-s", "-D", "-", "-o", "/dev/null", "-H", "Accept-Encoding: gzip",
                exporter.baseURL + "/metrics",
            ])
        #expect(raw.stdout.lowercased().contains("content-encoding: gzip"))
        let decoded = try await ExternalTool.run("curl", ["-s", "--compressed", exporter.baseURL + "/metrics"])
        #expect(decoded.stdout.contains(#"agent_up{agent="om"} 1"#))
    }
}
