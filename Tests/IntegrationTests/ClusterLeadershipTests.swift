import Foundation
import JSON
import TestSupport
import Testing

/// One rule evaluator among two real exporters on one real PostgreSQL (issue 20), and a real webhook listener: one
/// notification per alert (not one per node), a silence added on the follower mutes what the leader sends, and when
/// the leader is killed with `kill -9` the other node takes the lead without notifying the alert again, then notifies
/// its resolution once.
@Suite(.serialized)
struct ClusterLeadershipTests {
    /// A configuration with one rule (an agent silent for 2 s), evaluated every second, routed to `hook`.
    static func config(hook: URL) throws -> String {
        let directory = TestPaths.temporaryDirectory("cluster")
        try """
        groups:
          - name: silence
            interval: 1s
            rules:
              - alert: AgentSilent
                expr: time() - agent_last_heartbeat_timestamp_seconds > 2
        """.write(toFile: directory + "/rules.yml", atomically: true, encoding: .utf8)
        try """
        rule_files: ['\(directory)/rules.yml']
        route:
          receiver: hook
          group_by: [alertname, agent]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs: [{url: '\(hook.absoluteString)', send_resolved: true}]
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        return directory + "/hx.yml"
    }

    /// The statuses (`firing`, `resolved`) of the payloads received about `agent`, in arrival order.
    static func notified(_ listener: LocalHTTPServer, agent: String) -> [String] {
        listener.requests.compactMap { request in
            guard let payload = try? JSONParser.parse(request.body).objectValue,
                payload["groupLabels"]?.objectValue?["agent"]?.stringValue == agent
            else { return nil }
            return payload["status"]?.stringValue
        }
    }

    /// The cluster as `client`'s node reports it.
    static func cluster(_ client: HTTPTestClient) async throws -> (leader: String?, nodes: Int) {
        let data = try await client.get("/api/v1/status/cluster").data.objectValue
        return (data?["leader"]?.stringValue, data?["nodes"]?.arrayValue?.count ?? 0)
    }

    /// Two nodes on `dsn` with `config`, the first started first (it takes the lead), both seeing each other.
    static func pair(_ dsn: String, config: String) async throws -> (ExporterProcess, ExporterProcess) {
        let first = try await ClusterTests.node(dsn, ["--config.file", config])
        let leading = try await ClusterTests.within(5) {
            try await cluster(HTTPTestClient(baseURL: first.baseURL)).leader?.hasSuffix(":\(first.port)") == true
        }
        #expect(leading, "the first node leads")
        let second = try await ClusterTests.node(dsn, ["--config.file", config])
        let seen = try await ClusterTests.within(5) {
            try await cluster(HTTPTestClient(baseURL: second.baseURL)).nodes == 2
        }
        #expect(seen, "the second node lists both")
        return (first, second)
    }

    /// `agent` beating through `client` every 500 ms until the task is cancelled.
    static func keepBeating(_ agent: String, to client: HTTPTestClient) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                _ = try? await client.post("/api/v1/heartbeat", HTTPTestClient.beat(agent))
                try? await Task.sleep(nanoseconds: 500_000_000)
            }
        }
    }

    @Test func bothNodesNameTheSameLeaderAndOnlyItsMetricSaysSo() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let hook = try LocalHTTPServer()
        let (a, b) = try await Self.pair(dsn, config: try Self.config(hook: hook.url))
        let clients = [a, b].map { HTTPTestClient(baseURL: $0.baseURL) }
        let agreed = try await ClusterTests.within(5) {
            let views = try await [Self.cluster(clients[0]), Self.cluster(clients[1])]
            return views.allSatisfy { $0.nodes == 2 && $0.leader?.hasSuffix(":\(a.port)") == true }
        }
        #expect(agreed)
        var leaders = 0.0
        for client in clients {
            let metrics = try await client.get("/metrics").text
            leaders += sampleValue(metrics, "heartbeat_exporter_cluster_leader") ?? -1
            #expect(sampleValue(metrics, "heartbeat_exporter_cluster_nodes") == 2)
        }
        #expect(leaders == 1)
        for node in [a, b] { #expect(await node.terminate() == 0) }
    }

    @Test func aSingleNodeOnSQLiteIsAClusterOfOneThatLeadsItself() async throws {
        let node = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: node.baseURL)
        let data = try await client.get("/api/v1/status/cluster").data.objectValue
        #expect(data?["backend"]?.stringValue == "sqlite")
        let nodes = data?["nodes"]?.arrayValue ?? []
        #expect(nodes.count == 1)
        #expect(nodes.first?.objectValue?["leader"] == .bool(true))
        #expect(nodes.first?.objectValue?["self"] == .bool(true))
        #expect(data?["leader"]?.stringValue == nodes.first?.objectValue?["name"]?.stringValue)
        let metrics = try await client.get("/metrics").text
        #expect(sampleValue(metrics, "heartbeat_exporter_cluster_leader") == 1)
        #expect(sampleValue(metrics, "heartbeat_exporter_cluster_nodes") == 1)
        #expect(await node.terminate() == 0)
    }

    @Test func aSilenceAddedOnTheFollowerMutesWhatTheLeaderSends() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let hook = try LocalHTTPServer()
        let (a, b) = try await Self.pair(dsn, config: try Self.config(hook: hook.url))
        let onB = HTTPTestClient(baseURL: b.baseURL)
        let silence = """
            {"matchers": [{"name": "agent", "value": "muted", "isRegex": false}], "startsAt": "2020-01-01T00:00:00Z",
             "endsAt": "2100-01-01T00:00:00Z", "createdBy": "ops", "comment": "planned work"}
            """
        #expect(try await onB.post("/api/v2/silences", silence).status == 200)
        for agent in ["muted", "loud"] {
            #expect(try await onB.post("/api/v1/heartbeat", HTTPTestClient.beat(agent)).status == 202)
        }
        let loud = await ClusterTests.within(15) { Self.notified(hook, agent: "loud") == ["firing"] }
        #expect(loud, "the unsilenced agent's alert is notified by the leader")
        try await Task.sleep(nanoseconds: 2_000_000_000)
        #expect(Self.notified(hook, agent: "muted").isEmpty, "the silence added on B mutes A's notification")
        for node in [a, b] { #expect(await node.terminate() == 0) }
    }

    @Test func theLeaderKilledWhileAnAlertFiresIsReplacedWithoutRepeatingItAndItsResolutionIsSentOnce() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let hook = try LocalHTTPServer()
        let (a, b) = try await Self.pair(dsn, config: try Self.config(hook: hook.url))
        let onB = HTTPTestClient(baseURL: b.baseURL)
        #expect(try await onB.post("/api/v1/heartbeat", HTTPTestClient.beat("quiet")).status == 202)
        let fired = await ClusterTests.within(15) { Self.notified(hook, agent: "quiet") == ["firing"] }
        #expect(fired, "one firing notification, not one per node: \(Self.notified(hook, agent: "quiet"))")
        try await Task.sleep(nanoseconds: 3_000_000_000)
        #expect(Self.notified(hook, agent: "quiet") == ["firing"])

        let killedAt = Date()
        await a.killHard()
        let tookOver = try await ClusterTests.within(2) {
            try await Self.cluster(onB).leader?.hasSuffix(":\(b.port)") == true
        }
        #expect(tookOver, "B leads within two evaluation intervals (\(Date().timeIntervalSince(killedAt)) s)")
        try await Task.sleep(nanoseconds: 4_000_000_000)
        #expect(Self.notified(hook, agent: "quiet") == ["firing"], "the new leader does not notify the alert again")

        // The agent is back and keeps beating.
        let beating = Self.keepBeating("quiet", to: onB)
        defer { beating.cancel() }
        let resolved = await ClusterTests.within(15) { Self.notified(hook, agent: "quiet") == ["firing", "resolved"] }
        #expect(resolved, "\(Self.notified(hook, agent: "quiet"))")
        try await Task.sleep(nanoseconds: 3_000_000_000)
        #expect(Self.notified(hook, agent: "quiet") == ["firing", "resolved"])
        #expect(await b.terminate() == 0)
        hook.stop()
    }

    /// A leader that hangs (SIGSTOP) keeps its database session, and with it the election's lock: the other node ends
    /// that session once the leader has been silent for 10 s, takes the lead, and notifies the resolution once; the
    /// old leader, resumed, finds itself a follower and sends nothing.
    @Test func aHungLeaderLosesTheLeadAndResumedSendsNothing() async throws {
        let postgres = try PostgresServer()
        let dsn = try PostgresStorageIntegrationTests.dsnFile(postgres.connectionString)
        let hook = try LocalHTTPServer()
        let (a, b) = try await Self.pair(dsn, config: try Self.config(hook: hook.url))
        let (onA, onB) = (HTTPTestClient(baseURL: a.baseURL), HTTPTestClient(baseURL: b.baseURL))
        #expect(try await onB.post("/api/v1/heartbeat", HTTPTestClient.beat("quiet")).status == 202)
        let fired = await ClusterTests.within(15) { Self.notified(hook, agent: "quiet") == ["firing"] }
        #expect(fired, "\(Self.notified(hook, agent: "quiet"))")
        // The leader writes what it notified right after the delivery (the next round of its notifier); a leader
        // that stops in between leaves a notification its successor does not know of (at least once, as
        // Alertmanager's notification log).
        try await Task.sleep(nanoseconds: 2_000_000_000)

        let hungAt = Date()
        a.send(SIGSTOP)
        let tookOver = try await ClusterTests.within(25) {
            try await Self.cluster(onB).leader?.hasSuffix(":\(b.port)") == true
        }
        let after = Date().timeIntervalSince(hungAt)
        print("hung leader replaced after \(after) s")
        #expect(tookOver, "B leads once A has been silent for 10 s (\(after) s)")
        #expect(after >= 9, "a leader is not replaced while its contact is fresh")
        let beating = Self.keepBeating("quiet", to: onB)
        defer { beating.cancel() }
        let resolved = await ClusterTests.within(15) { Self.notified(hook, agent: "quiet") == ["firing", "resolved"] }
        #expect(resolved, "\(Self.notified(hook, agent: "quiet"))")

        a.send(SIGCONT)
        let followsAgain = try await ClusterTests.within(10) {
            let metrics = try await onA.get("/metrics").text
            return sampleValue(metrics, "heartbeat_exporter_cluster_leader") == 0
        }
        #expect(followsAgain, "the resumed node knows it no longer leads")
        let namesB = try await ClusterTests.within(5) {
            try await Self.cluster(onA).leader?.hasSuffix(":\(b.port)") == true
        }
        #expect(namesB, "the resumed node names the new leader")
        try await Task.sleep(nanoseconds: 3_000_000_000)
        #expect(Self.notified(hook, agent: "quiet") == ["firing", "resolved"], "the resumed node sends nothing")
        for node in [a, b] { #expect(await node.terminate() == 0) }
        hook.stop()
    }
}
