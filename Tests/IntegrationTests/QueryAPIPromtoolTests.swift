import Foundation
import Testing
import TestSupport

/// The real `promtool query instant` and `promtool query range` against the real binary with 50 beating agents,
/// compared line for line with the same queries run by a real Prometheus scraping that exporter.
@Suite(.serialized)
struct QueryAPIPromtoolTests {
    /// Rules that make the exporter keep `agent_up` and `agent_queue_depth` two minutes back, evaluated every second.
    static let rules = """
        groups:
          - name: keep
            rules:
              - record: agent:up:max2m
                expr: max_over_time(agent_up[2m])
              - record: agent:queue:max2m
                expr: max_over_time(agent_queue_depth[2m])
        """

    /// Queries over series whose values hold still while the agents beat, so that the exporter's answer (the fleet
    /// at the query's time) and Prometheus' (its last scrape before it) must agree.
    static let queries = [
        "count(agent_up)",
        "sum by (agent_type) (agent_up)",
        "max by (agent_type) (agent_queue_depth) * 2",
        #"count by (team) (agent_info{team=~"t[01]"})"#,
        "sort_desc(sum by (agent_type) (agent_queue_depth))",
        "quantile(0.5, agent_queue_depth)",
    ]

    static let rangeQueries = [
        "sum by (agent_type) (agent_up)",
        "max_over_time(sum by (agent_type) (agent_queue_depth)[10s:5s])",
        "count(agent_up) + 1",
    ]

    @Test(.timeLimit(.minutes(3)))
    func promtoolGetsFromTheExporterWhatItGetsFromAPrometheusScrapingIt() async throws {
        let directory = TestPaths.temporaryDirectory("query-promtool")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.rules.write(toFile: directory + "/rules.yml", atomically: true, encoding: .utf8)
        try "global: {evaluation_interval: 1s}\nrule_files: ['\(directory)/rules.yml']\n".write(
            toFile: directory + "/config.yml", atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", directory + "/config.yml"])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let beating = Task { try await Self.beat(client, until: Date().addingTimeInterval(150)) }
        defer { beating.cancel() }
        let prometheus = try PrometheusProcess(scrapeTarget: "127.0.0.1:\(exporter.port)")
        _ = try await prometheus.waitForQuery("count(agent_up)") { $0.first?.value == "50" }
        // Twenty seconds of scrapes in Prometheus, and more of history in the exporter, before the range queries.
        try await Task.sleep(for: .seconds(22))

        let end = Int(Date().timeIntervalSince1970) - 2
        for query in Self.queries {
            let arguments = ["query", "instant", "--time=\(end)"]
            let fromExporter = try await promtool(arguments, exporter.baseURL, query)
            let fromPrometheus = try await promtool(arguments, "http://127.0.0.1:\(prometheus.port)", query)
            #expect(!fromExporter.isEmpty, "\(query): no result")
            #expect(fromExporter.sorted() == fromPrometheus.sorted(), "\(query)")
        }
        for query in Self.rangeQueries {
            let arguments = ["query", "range", "--start=\(end - 15)", "--end=\(end)", "--step=5s"]
            let fromExporter = try await promtool(arguments, exporter.baseURL, query)
            let fromPrometheus = try await promtool(arguments, "http://127.0.0.1:\(prometheus.port)", query)
            #expect(fromExporter.count > 4, "\(query): \(fromExporter)")
            #expect(fromExporter == fromPrometheus, "\(query)")
        }
        await exporter.terminate()
    }

    /// promtool's output lines, after it succeeded.
    private func promtool(_ arguments: [String], _ url: String, _ query: String) async throws -> [String] {
        let result = try await ExternalTool.run("promtool", arguments + [url, query])
        #expect(result.status == 0, "promtool \(arguments) \(url) \(query): \(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// Fifty agents of three types and two teams, each beating every second with a steady queue depth.
    private static func beat(_ client: HTTPTestClient, until deadline: Date) async throws {
        var seq = 0
        while Date() < deadline, !Task.isCancelled {
            seq += 1
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask { [seq] in
                        let extra =
                            #""agent_type": "type\#(index % 3)", "labels": {"team": "t\#(index % 2)"}, "metrics": {"queue_depth": \#(index % 7)}"#
                        _ = try await client.post(
                            "/api/v1/heartbeat", HTTPTestClient.beat("agent-\(index)", run: "r", seq: seq, extra: extra)
                        )
                    }
                }
                try await group.waitForAll()
            }
            try await Task.sleep(for: .seconds(1))
        }
    }
}
