import Foundation
import JSON
import Synchronization
import TestSupport
import Testing

/// PostgreSQL stopped for ten seconds under load (issue 20): heartbeats are still acknowledged from memory, operators'
/// writes are refused with 503 and a reason (never acknowledged and lost), and every acknowledged beat is counted in
/// the database once it is back.
@Suite(.serialized)
struct ClusterOutageTests {
    @Test func losingPostgreSQLForTenSecondsLosesNoAcknowledgedBeat() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let node = try await ClusterTests.node(dsn)
        let client = HTTPTestClient(baseURL: node.baseURL)
        #expect(
            try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("steady", run: "r", seq: 0)).status == 202)
        let stopping = StopFlag()
        let load = Task { () -> (acknowledged: Int, refused: [Int]) in
            var (seq, acknowledged, refused) = (0, 1, [Int]())
            while !stopping.raised.load(ordering: .relaxed), !Task.isCancelled {
                seq += 1
                let beat = HTTPTestClient.beat("steady", run: "r", seq: seq, extra: #""tasks": [{"success": true}]"#)
                let status = (try? await client.post("/api/v1/heartbeat", beat).status) ?? 0
                if status == 202 { acknowledged += 1 } else { refused.append(status) }
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
            return (acknowledged, refused)
        }
        try await Task.sleep(nanoseconds: 1_000_000_000)
        postgres.stop()
        try await Task.sleep(nanoseconds: 2_000_000_000)
        let kill = try await client.post("/api/v1/agents/steady/kill", #"{"reason": "test"}"#)
        #expect(kill.status == 503, "\(kill.text)")
        #expect(kill.errorMessage.contains("nothing was changed"), "\(kill.text)")
        let silence = """
            {"matchers": [{"name": "agent", "value": "steady", "isRegex": false}], "startsAt": "2020-01-01T00:00:00Z",
             "endsAt": "2100-01-01T00:00:00Z", "createdBy": "ops", "comment": "outage"}
            """
        #expect(try await client.post("/api/v2/silences", silence).status == 503)
        let cluster = try await client.get("/api/v1/status/cluster").data.objectValue
        #expect(cluster?["leader"] == .null, "no node leads while the database is away: \(String(describing: cluster))")
        try await Task.sleep(nanoseconds: 8_000_000_000)
        try postgres.start()
        try await Task.sleep(nanoseconds: 2_000_000_000)
        stopping.raised.store(true, ordering: .relaxed)
        let (acknowledged, refused) = await load.value
        #expect(refused.isEmpty, "beats refused during the outage: \(refused)")
        #expect(acknowledged > 10, "the load ran through the outage")
        let agent = try await client.get("/api/v1/agents/steady")
        #expect(agent.data.objectValue?["state"]?.stringValue != "killed", "the refused kill changed nothing")

        // Another node reads what the database holds: every acknowledged beat, once.
        let other = try await ClusterTests.node(dsn)
        let stored = try await ClusterTests.within(5) {
            let metrics = try await HTTPTestClient(baseURL: other.baseURL).get("/metrics").text
            return sampleValue(metrics, #"agent_heartbeats_total{agent="steady"}"#) == Double(acknowledged)
        }
        let seen = try await HTTPTestClient(baseURL: other.baseURL).get("/metrics").text
        #expect(
            stored,
            "stored \(sampleValue(seen, #"agent_heartbeats_total{agent="steady"}"#) ?? -1), acknowledged \(acknowledged)"
        )
        for exporter in [node, other] { #expect(await exporter.terminate() == 0) }
    }

    /// An operator's trial: with no beat waiting to be written, a kill while PostgreSQL was away was applied, answered
    /// 503, and written once the database was back. The write is now refused before anything changes.
    @Test func aKillWhileTheDatabaseIsAwayChangesNothingEvenWhenNothingElseIsPending() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let node = try await ClusterTests.node(dsn)
        let client = HTTPTestClient(baseURL: node.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("idle", run: "r", seq: 1)).status == 202)
        try await Task.sleep(nanoseconds: 1_500_000_000)  // the beat is written; nothing is pending
        postgres.stop()
        let kill = try await client.post("/api/v1/agents/idle/kill", #"{"reason": "test"}"#)
        #expect(kill.status == 503, "\(kill.text)")
        #expect(kill.errorMessage.contains("nothing was changed"), "\(kill.text)")
        let reply = try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("idle", run: "r", seq: 2))
        #expect(reply.status == 202 && reply.data.objectValue?["state"]?.stringValue == "healthy", "\(reply.text)")
        try postgres.start()
        try await Task.sleep(nanoseconds: 2_000_000_000)
        let other = try await ClusterTests.node(dsn)
        let agent = try await HTTPTestClient(baseURL: other.baseURL).get("/api/v1/agents/idle")
        #expect(agent.data.objectValue?["state"]?.stringValue == "healthy", "\(agent.text)")
        for exporter in [node, other] { #expect(await exporter.terminate() == 0) }
    }
}

/// Tells a loop of requests to finish after its current one (a cancelled request may or may not have been answered).
private final class StopFlag: Sendable {
    let raised = Atomic<Bool>(false)
}
