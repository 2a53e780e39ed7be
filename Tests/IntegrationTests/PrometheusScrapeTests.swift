import Foundation
import Testing

/// The real binary, a hundred agents, `promtool check metrics` and a real Prometheus.
@Suite(.serialized)
struct PrometheusScrapeTests {
    @Test func promtoolAcceptsTheExpositionAndPrometheusSeesAllHundredAgents() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<100 {
                group.addTask {
                    let body = HTTPTestClient.beat(
                        "agent-\(index)", run: "r", seq: 1,
                        extra:
                            #""agent_type": "worker", "labels": {"team": "t\#(index % 3)"}, "tasks": [{"success": true, "latency_ms": 120, "cost_usd": 0.01, "tokens": 20}], "metrics": {"queue_depth": 2}"#
                    )
                    return try await client.post("/api/v1/heartbeat", body).status
                }
            }
            for try await status in group { #expect(status == 202) }
        }

        let metrics = try await client.get("/metrics")
        let check = try await ExternalTool.run("promtool", ["check", "metrics"], input: metrics.body)
        #expect(check.status == 0)
        #expect(check.stdout.isEmpty && check.stderr.isEmpty, "promtool said: \(check.stdout)\(check.stderr)")

        let prometheus = try PrometheusProcess(scrapeTarget: "127.0.0.1:\(exporter.port)")
        let result = try await prometheus.waitForQuery("agent_up") { $0.count == 100 }
        #expect(Set(result.compactMap { $0.labels["agent"] }) == Set((0..<100).map { "agent-\($0)" }))
        #expect(result.allSatisfy { $0.value == "1" && $0.labels["agent_type"] == "worker" })
        let cost = try await prometheus.waitForQuery("sum(agent_cost_usd_total)") { !$0.isEmpty }
        #expect(abs((Double(cost.first?.value ?? "") ?? 0) - 1.0) < 1e-9)
        await exporter.terminate()
    }
}
