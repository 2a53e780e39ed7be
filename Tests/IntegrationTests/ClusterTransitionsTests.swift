import Foundation
import JSON
import TestSupport
import Testing

/// Two real exporters sharing one real PostgreSQL (issue 20): both notice an agent fall silent, and its history holds
/// each change of state once, not once per node.
@Suite(.serialized)
struct ClusterTransitionsTests {
    /// The states `agent`'s stored history (with what `client`'s node has not written yet) went to, oldest first.
    static func history(_ client: HTTPTestClient, _ agent: String) async throws -> [String] {
        let data = try await client.get("/api/v1/agents/\(agent)/activity?range=5m").data.objectValue
        return (data?["transitions"]?.arrayValue ?? []).compactMap { $0.objectValue?["to"]?.stringValue }
    }

    @Test func anAgentFallingSilentHasEachChangeOfStateStoredOnce() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let config = try CompressedTimeConfig.write("cluster-transitions")
        let (leader, follower) = try await ClusterLeadershipTests.pair(dsn, config: config)
        let clients = [HTTPTestClient(baseURL: leader.baseURL), HTTPTestClient(baseURL: follower.baseURL)]
        #expect(try await clients[1].post("/api/v1/heartbeat", #"{"agent": "w1"}"#).status == 202)
        try await waitUntil("both nodes saw w1 go unreachable", timeout: .seconds(20)) {
            for client in clients {
                let state = try await client.get("/api/v1/agents/w1").data.objectValue?["state"]?.stringValue
                guard state == "unreachable" else { return false }
            }
            return true
        }
        try await Task.sleep(for: .seconds(3))  // every node's writes behind, several times over
        for client in clients {
            let history = try await Self.history(client, "w1")
            #expect(history == ["healthy", "degraded", "unreachable"], "\(client.baseURL): \(history)")
        }
        for node in [follower, leader] { #expect(await node.terminate() == 0) }
    }
}
