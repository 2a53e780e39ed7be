import Foundation
import JSON
import Testing
import TestSupport

/// The status page's fleet charts across a restart of the real binary (an operator's trial found them kept in memory
/// only): the points behind them (`GET /api/v1/activity/fleet`) are written to storage and read back at start, and
/// none is made up for the time before the exporter first started.
@Suite(.serialized)
struct FleetActivityRestartTests {
    static func points(_ exporter: ExporterProcess) async throws -> [JSONObject] {
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let data = try await client.get("/api/v1/activity/fleet").data.objectValue
        return (data?["points"]?.arrayValue ?? []).compactMap(\.objectValue)
    }

    static func bucketStart(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 300).rounded(.down) * 300)
    }

    @Test(.timeLimit(.minutes(2)))
    func theFleetsPointsSurviveARestartAndNoneComesBeforeTheStart() async throws {
        let directory = TestPaths.temporaryDirectory("fleet-activity-restart")
        let started = Date()
        let first = try await ExporterProcess(storagePath: directory)
        let client = HTTPTestClient(baseURL: first.baseURL)
        let beat = HTTPTestClient.beat("spender", extra: #""tasks": [{"success": true, "cost_usd": 0.25}]"#)
        let beforeBeat = Date()
        #expect(try await client.post("/api/v1/heartbeat", beat).status == 202)
        let beatAt = Date()
        #expect(await first.terminate() == 0)

        let second = try await ExporterProcess(storagePath: directory)
        let points = try await Self.points(second)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let starts = points.compactMap { $0["start"]?.stringValue.flatMap(formatter.date(from:)) }
        #expect(starts.count == points.count, "\(points)")
        let costs = points.compactMap { $0["cost_usd"]?.numberValue }
        #expect(costs.reduce(0, +) == 0.25, "the cost of the beat before the restart: \(points)")
        let costly = zip(starts, costs).first { $0.1 > 0 }?.0
        let beatBuckets = [Self.bucketStart(beforeBeat), Self.bucketStart(beatAt)]
        #expect(costly.map(beatBuckets.contains) == true, "in the bucket of the beat: \(points)")
        #expect(starts.allSatisfy { $0 >= Self.bucketStart(started) }, "no point before the first start: \(points)")
        await second.terminate()
    }
}
