import Foundation
import JSON
import TestSupport
import Testing

/// Two real exporters sharing one real PostgreSQL (issue 20): the node that does not lead lists the leader's firing
/// alerts in its Alertmanager API, with their muting, as the leader does.
@Suite(.serialized)
struct ClusterAlertsAPITests {
    /// `agent`'s `alertname` alert as `client`'s node lists it in `/api/v2/alerts`: its state, and what mutes it.
    static func listed(_ client: HTTPTestClient, _ alertname: String, agent: String) async throws
        -> (state: String, silencedBy: [String])?
    {
        let alerts = try await client.get("/api/v2/alerts").json.arrayValue ?? []
        let alert = alerts.compactMap(\.objectValue).first {
            let labels = $0["labels"]?.objectValue
            return labels?["alertname"]?.stringValue == alertname && labels?["agent"]?.stringValue == agent
        }
        guard let status = alert?["status"]?.objectValue, let state = status["state"]?.stringValue else { return nil }
        return (state, status["silencedBy"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    @Test func theFollowerListsTheLeadersFiringAlertsWithTheirMuting() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        // An alert for every agent that beat, which a kill mutes but does not end (an unreachable agent's alert
        // would resolve once the kill makes it `killed`, racing the follower's read).
        let config = try CompressedTimeConfig.write("cluster-alerts", rules: CompressedTimeConfig.seenRule)
        let (leader, follower) = try await ClusterLeadershipTests.pair(dsn, config: config)
        let (leading, following) = (HTTPTestClient(baseURL: leader.baseURL), HTTPTestClient(baseURL: follower.baseURL))
        #expect(try await following.post("/api/v1/heartbeat", #"{"agent": "w1"}"#).status == 202)
        try await waitUntil("the leader lists w1's AgentSeen", timeout: .seconds(20)) {
            try await Self.listed(leading, "AgentSeen", agent: "w1")?.state == "active"
        }
        try await waitUntil("the follower lists it too", timeout: .seconds(10)) {
            try await Self.listed(following, "AgentSeen", agent: "w1")?.state == "active"
        }
        #expect(try await following.post("/api/v1/agents/w1/kill", #"{"by": "alice"}"#).status == 200)
        try await waitUntil("the follower shows it muted by the kill", timeout: .seconds(10)) {
            try await Self.listed(following, "AgentSeen", agent: "w1")?.silencedBy == ["killed:w1"]
        }
        for node in [follower, leader] { #expect(await node.terminate() == 0) }
    }
}
