import Foundation
import TestSupport
import Testing

/// Two real exporters sharing one real PostgreSQL with the same recovery ladder (issue 20): a silent worker is
/// restarted once, by the leader, not once by every node.
@Suite(.serialized)
struct ClusterRecoveryTests {
    @Test func onlyTheLeaderRunsARecoveryLadder() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let folder = try RecoveryLadderTests.tmpScriptPath("cluster-ladder")
        try RecoveryLadderTests.script(folder + "/restart-agent", "echo \"$1\" >> '\(folder)/restarts'")
        let (_, arguments) = try RecoveryLadderTests.setUp(
            "cluster-ladder", listener: listener,
            steps: """
                        - name: restart
                          command: ['\(folder)/restart-agent', '{{ .agent }}']
                          timeout: 10s
                          wait: 5m
                """)
        let nodes = [try await ClusterTests.node(dsn, arguments), try await ClusterTests.node(dsn, arguments)]
        let client = HTTPTestClient(baseURL: nodes[0].baseURL)
        #expect(try await client.post("/api/v1/heartbeat", #"{"agent": "w1", "agent_type": "worker"}"#).status == 202)
        try await waitUntil("the ladder restarts w1", timeout: .seconds(30)) {
            FileManager.default.fileExists(atPath: folder + "/restarts")
        }
        try await Task.sleep(for: .seconds(3))  // both nodes' maintenance rounds, many times over
        let restarts = try String(contentsOfFile: folder + "/restarts", encoding: .utf8)
        #expect(restarts == "w1\n", "one restart, by the leader: \(restarts)")
        for node in nodes { #expect(await node.terminate() == 0) }
    }
}
