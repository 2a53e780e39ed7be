import Foundation
import JSON
import TestSupport
import Testing

/// Two real exporters sharing one real PostgreSQL (issue 20): a notice announced on the node that does not lead (an
/// agent killed through it) is notified by the leader.
@Suite(.serialized)
struct ClusterNoticeTests {
    @Test func aKillThroughTheFollowerIsAnnouncedByTheLeader() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let config = TestPaths.temporaryDirectory("cluster-notices") + "/hx.yml"
        try """
        \(AlertRoutingTests.webhookRouting([("hook", listener.url)]))
        notices: {events: [agent_killed]}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let (leader, follower) = try await ClusterLeadershipTests.pair(dsn, config: config)
        let client = HTTPTestClient(baseURL: follower.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", #"{"agent": "w1"}"#).status == 202)
        #expect(try await client.post("/api/v1/agents/w1/kill", #"{"by": "alice"}"#).status == 200)

        let notices = { () -> [String] in
            listener.requests.flatMap { request -> [String] in
                let alerts = (try? JSONParser.parse(request.body).objectValue)?["alerts"]?.arrayValue ?? []
                return alerts.compactMap { $0.objectValue?["labels"]?.objectValue?["notice"]?.stringValue }
            }
        }
        try await waitUntil("the leader notifies the kill made on the follower", timeout: .seconds(20)) {
            notices().contains("agent_killed")
        }
        try await Task.sleep(for: .seconds(3))  // group_interval and more: anything sent twice would be here
        let firing = listener.requests.filter {
            (try? JSONParser.parse($0.body).objectValue)?["status"]?.stringValue == "firing"
        }
        #expect(firing.count == 1, "announced once, by the leader alone: \(notices())")
        for node in [follower, leader] { #expect(await node.terminate() == 0) }
    }
}
