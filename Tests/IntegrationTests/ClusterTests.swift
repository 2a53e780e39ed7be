import Foundation
import JSON
import TestSupport
import Testing

/// Two real exporters sharing one real PostgreSQL (issue 20): any node answers for any agent, each beat is counted
/// once whichever node received it, and an operator's action on one node reaches the agent through the other.
@Suite(.serialized)
struct ClusterTests {
    /// A node of the cluster on `dsn`.
    static func node(_ dsn: String, _ arguments: [String] = []) async throws -> ExporterProcess {
        try await ExporterProcess(arguments: ["--storage.postgres.dsn-file", dsn] + arguments)
    }

    /// Polls `condition` every 50 ms until it holds or `seconds` pass; returns whether it held.
    static func within(_ seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return try await condition()
    }

    @Test func beatsAlternatingBetweenNodesAreCountedOnceAndBothNodesShowTheSameCounters() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let nodes = [try await Self.node(dsn), try await Self.node(dsn)]
        let clients = nodes.map { HTTPTestClient(baseURL: $0.baseURL) }
        let task = #""tasks": [{"success": true, "cost_usd": 0.25, "latency_ms": 1500}]"#
        for seq in 1...4 {
            for agent in 0..<10 {
                let beat = HTTPTestClient.beat("agent-\(agent)", run: "run-\(agent)", seq: seq, extra: task)
                #expect(try await clients[(agent + seq) % 2].post("/api/v1/heartbeat", beat).status == 202)
            }
        }
        // The reply to agent-0's third beat was lost; its client sent the beat again, to the other node.
        let retry = HTTPTestClient.beat("agent-0", run: "run-0", seq: 3, extra: task)
        #expect(try await clients[(0 + 3 + 1) % 2].post("/api/v1/heartbeat", retry).status == 202)

        let counted = try await Self.within(5) {
            for client in clients {
                let metrics = try await client.get("/metrics").text
                for agent in 0..<10 {
                    guard sampleValue(metrics, #"agent_heartbeats_total{agent="agent-\#(agent)"}"#) == 4,
                        sampleValue(metrics, #"agent_tasks_total{agent="agent-\#(agent)",outcome="success"}"#) == 4
                    else { return false }
                }
            }
            return true
        }
        #expect(counted, "both nodes show 4 beats and 4 tasks of every agent")
        for client in clients {
            let metrics = try await client.get("/metrics").text
            #expect(sampleValue(metrics, #"agent_heartbeats_total{agent="agent-0"}"#) == 4)
            #expect(sampleValue(metrics, #"agent_cost_usd_total{agent="agent-0"}"#) == 1)
        }
        // The task-duration histograms add up too: every beat's 1.5 s task once, in the 2.5 s bucket.
        let histograms = try await Self.within(5) {
            for client in clients {
                let metrics = try await client.get("/metrics").text
                for agent in 0..<10 {
                    let series = #"agent_task_duration_seconds_bucket{agent="agent-\#(agent)",le="#
                    guard sampleValue(metrics, series + #""1"}"#) == 0, sampleValue(metrics, series + #""2.5"}"#) == 4,
                        sampleValue(metrics, #"agent_task_duration_seconds_count{agent="agent-\#(agent)"}"#) == 4,
                        sampleValue(metrics, #"agent_task_duration_seconds_sum{agent="agent-\#(agent)"}"#) == 6
                    else { return false }
                }
            }
            return true
        }
        #expect(histograms, "both nodes show every agent's four tasks of 1.5 s in its histogram")
        for node in nodes { #expect(await node.terminate() == 0) }
    }

    /// The fleet's cost chart adds up what every node's agents reported, rather than keeping the last node's write.
    @Test func theFleetsCostChartAddsUpTheCostReportedOnEveryNode() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let nodes = [try await Self.node(dsn), try await Self.node(dsn)]
        for (index, node) in nodes.enumerated() {
            let cost = index == 0 ? 1.0 : 2.0
            let beat = HTTPTestClient.beat(
                "spender-\(index)", extra: #""tasks": [{"success": true, "cost_usd": \#(cost)}]"#)
            #expect(try await HTTPTestClient(baseURL: node.baseURL).post("/api/v1/heartbeat", beat).status == 202)
        }
        // Each node writes the bucket under way at shutdown.
        for node in nodes { #expect(await node.terminate() == 0) }
        let restarted = try await Self.node(dsn)
        let points =
            try await HTTPTestClient(baseURL: restarted.baseURL).get("/api/v1/activity/fleet").data
            .objectValue?["points"]?.arrayValue ?? []
        let cost = points.compactMap { $0.objectValue?["cost_usd"]?.numberValue }.reduce(0, +)
        #expect(cost == 3, "1 USD reported on one node and 2 USD on the other: \(points)")
        #expect(await restarted.terminate() == 0)
    }

    @Test func aKillOnOneNodeReachesTheAgentThroughItsNextBeatOnTheOtherWithinASecond() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let a = try await Self.node(dsn), b = try await Self.node(dsn)
        let onA = HTTPTestClient(baseURL: a.baseURL), onB = HTTPTestClient(baseURL: b.baseURL)
        #expect(try await onA.post("/api/v1/heartbeat", HTTPTestClient.beat("runaway", run: "r", seq: 1)).status == 202)
        let known = try await Self.within(3) { try await onB.get("/api/v1/agents/runaway").status == 200 }
        #expect(known, "node B knows the agent node A received")

        #expect(try await onA.post("/api/v1/agents/runaway/kill", #"{"reason": "loop", "by": "ops"}"#).status == 200)
        let killedAt = Date()
        var seq = 2
        let told = try await Self.within(1) {
            seq += 1
            let reply = try await onB.post("/api/v1/heartbeat", HTTPTestClient.beat("runaway", run: "r", seq: seq))
            return reply.data.objectValue?["killed"] == .bool(true)
        }
        #expect(told, "node B's reply says killed within a second of the kill on A")
        #expect(Date().timeIntervalSince(killedAt) < 1.5)
        for node in [a, b] { #expect(await node.terminate() == 0) }
    }

    /// An operator's trial: a node restarted while another kept watching gave a silent agent a fresh grace period, as
    /// a lone exporter does after its own downtime; the other node did not. Both now judge it from its last beat.
    @Test func aNodeRestartedWhileAnotherWatchedJudgesSilenceFromTheLastBeat() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let config = try CompressedTimeConfig.write("cluster-restart", degradedAfter: "6s", unreachableAfter: "1m")
        let arguments = ["--storage.postgres.dsn-file", dsn, "--config.file", config]
        let watching = try await ExporterProcess(arguments: arguments)
        let port = try PostgresServer.unusedPort()
        var restarted = try await ExporterProcess(arguments: arguments, port: port)
        #expect(
            try await HTTPTestClient(baseURL: watching.baseURL).post("/api/v1/heartbeat", HTTPTestClient.beat("quiet"))
                .status == 202)
        let lastBeat = Date()
        try await Task.sleep(nanoseconds: 4_000_000_000)
        #expect(await restarted.terminate() == 0)
        restarted = try await ExporterProcess(arguments: arguments, port: port)
        let client = HTTPTestClient(baseURL: restarted.baseURL)
        let degraded = try await ClusterTests.within(15) {
            try await client.get("/api/v1/agents/quiet").data.objectValue?["state"]?.stringValue == "degraded"
        }
        let after = Date().timeIntervalSince(lastBeat)
        #expect(degraded)
        // From its last beat: 6 s; from the restart, as before: 10 s or more.
        #expect(after < 9, "degraded on the restarted node \(after) s after the last beat")
        for node in [watching, restarted] { #expect(await node.terminate() == 0) }
    }
}
