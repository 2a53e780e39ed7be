import Foundation
import Testing
import TestSupport

/// `heartbeat-exporter query`, run as an operator would run it against the real binary.
@Suite(.serialized)
struct QueryCommandTests {
    func cli(_ arguments: [String], url: String) async throws -> ExternalTool.Result {
        try await ExternalTool.run(
            ExporterProcess.binary, arguments, environment: ["HEARTBEAT_EXPORTER_URL": url])
    }

    @Test func anInstantQueryPrintsOneRowPerSeriesAndARefusedRangeExitsWithTheReason() async throws {
        let exporter = try await ExporterProcess()
        for (agent, type) in [("q1", "worker"), ("q2", "worker"), ("q3", "planner")] {
            _ = try await cli(["beat", agent, "--agent-type", type], url: exporter.baseURL)
        }
        let result = try await cli(["query", "sort(count by (agent_type) (agent_up))"], url: exporter.baseURL)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.first == ["SERIES", "TIME", "VALUE"])
        #expect(
            lines.dropFirst().map { [$0.first ?? "", $0.last ?? ""] } == [
                [#"{agent_type="planner"}"#, "1"], [#"{agent_type="worker"}"#, "2"],
            ])

        let now = Int(Date().timeIntervalSince1970)
        let range = try await cli(
            ["query", "count(agent_up)", "--start", "\(now - 3600)", "--end", "\(now)", "--step", "60"],
            url: exporter.baseURL)
        #expect(range.status == 1)
        #expect(range.stderr.contains("the query reads agent_up back to"), "\(range.stderr)")
        #expect(range.stderr.contains("has only the live value of agent_up"), "\(range.stderr)")

        let json = try await cli(["query", "vector(2)", "--json"], url: exporter.baseURL)
        #expect(json.stdout.hasPrefix(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"#))
        await exporter.terminate()
    }
}
