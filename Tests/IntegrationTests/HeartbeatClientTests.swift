import Foundation
import HeartbeatClient
import JSON
import Synchronization
import Testing
import TestSupport

/// The Swift client library against the real binary.
@Suite(.serialized)
struct HeartbeatClientTests {
    static let healthRules = """
        groups:
          - name: client-tests
            interval: 250ms
            rules:
              - alert: AgentDegraded
                expr: agent_health{state="degraded"} == 1
              - alert: AgentUnreachable
                expr: agent_health{state="unreachable"} == 1
        """

    func client(
        _ exporter: ExporterProcess, _ agent: String, agentType: String? = nil, labels: [String: String] = [:],
        clock: any Clock<Duration> = ContinuousClock(), transport: any HeartbeatTransport = URLSessionTransport(),
        onKilled: HeartbeatClient.KillHandler? = nil
    ) throws -> HeartbeatClient {
        try HeartbeatClient(
            url: try #require(URL(string: exporter.baseURL)), agent: agent, agentType: agentType, labels: labels,
            retry: RetryPolicy(retries: 2, backoff: .milliseconds(500)), transport: transport, clock: clock,
            onKilled: onKilled)
    }

    func agent(_ http: HTTPTestClient, _ name: String) async throws -> JSONObject? {
        try await http.get("/api/v1/agents/\(name)").data.objectValue
    }

    func heartbeats(_ http: HTTPTestClient, _ name: String) async throws -> Double {
        try await agent(http, name)?["metrics"]?.objectValue?["heartbeats_total"]?.numberValue ?? 0
    }

    @Test func beatsFromTheBackgroundLoopArrive() async throws {
        let exporter = try await ExporterProcess()
        let http = HTTPTestClient(baseURL: exporter.baseURL)
        let client = try client(exporter, "swift-worker", agentType: "worker", labels: ["team": "search"])
        // An interval long enough that a loaded machine does not see the agent degrade (3 intervals, 6 s without a
        // beat) mid-test.
        await client.startHeartbeat(every: .seconds(2))
        try await waitUntil("three beats") { try await heartbeats(http, "swift-worker") >= 3 }
        let seen = try #require(await agent(http, "swift-worker"))
        await client.stopBeating()

        #expect(seen["state"]?.stringValue == "healthy")
        #expect(seen["agent_type"]?.stringValue == "worker")
        #expect(seen["labels"]?.objectValue?["team"]?.stringValue == "search")
        #expect(seen["run_id"]?.stringValue == client.runID)
        #expect(seen["interval_seconds"]?.numberValue == 2)
        let stats = await client.stats
        #expect(stats.delivered >= 3 && stats.failures == 0)
    }

    @Test func reportedMetricsShowUpOnMetrics() async throws {
        let exporter = try await ExporterProcess()
        let http = HTTPTestClient(baseURL: exporter.baseURL)
        let client = try client(
            exporter, "swift-metrics", agentType: "worker", clock: SteppingClock(step: .milliseconds(500)))
        try await client.reportMetric(success: true, latencyMs: 250, costUSD: 0.5, tokens: 100)
        try await client.reportMetric(success: false, latencyMs: 1500)
        try await client.reportMetric(costUSD: 0.25, tokens: 50, errors: 2)
        try await client.setGauges(queueDepth: 4, activeTasks: 1)
        await client.task("summarize") { usage in usage.add(costUSD: 0.125) }
        await #expect(throws: URLError.self) {
            try await client.task("lookup") { throw URLError(.badServerResponse) }
        }
        let reply = await client.beat()
        #expect(reply?.state == "healthy")

        let metrics = try await http.get("/metrics").text
        let labels = #"agent="swift-metrics",agent_type="worker""#
        #expect(sampleValue(metrics, #"agent_tasks_total{\#(labels),outcome="success"}"#) == 2)
        #expect(sampleValue(metrics, #"agent_tasks_total{\#(labels),outcome="failure"}"#) == 2)
        #expect(sampleValue(metrics, "agent_cost_usd_total{\(labels)}") == 0.875)
        #expect(sampleValue(metrics, "agent_tokens_total{\(labels)}") == 150)
        #expect(sampleValue(metrics, "agent_errors_total{\(labels)}") == 2)
        #expect(sampleValue(metrics, "agent_queue_depth{\(labels)}") == 4)
        #expect(sampleValue(metrics, "agent_task_duration_seconds_count{\(labels)}") == 4)
        #expect(sampleValue(metrics, "agent_task_duration_seconds_sum{\(labels)}") == 0.25 + 1.5 + 0.5 + 0.5)
    }

    @Test func aRetriedBeatKeepsItsSeqAndIsCountedOnce() async throws {
        let exporter = try await ExporterProcess()
        let http = HTTPTestClient(baseURL: exporter.baseURL)
        let lossy = FirstReplyLostTransport()
        let clock = SteppingClock()
        let client = try client(exporter, "swift-retry", clock: clock, transport: lossy)
        try await client.reportMetric(success: true, costUSD: 1)
        let reply = await client.beat()

        #expect(lossy.bodies.count == 2)
        #expect(lossy.bodies.first == lossy.bodies.last)
        #expect(clock.sleeps == [.milliseconds(500)])
        #expect(reply?.duplicate == true)
        #expect(reply?.seq == 1)
        let stats = await client.stats
        #expect(stats.retries == 1 && stats.delivered == 1 && stats.duplicates == 1)
        let metrics = try await http.get("/metrics").text
        #expect(sampleValue(metrics, #"agent_heartbeats_total{agent="swift-retry"}"#) == 1)
        #expect(sampleValue(metrics, #"agent_tasks_total{agent="swift-retry",outcome="success"}"#) == 1)
        #expect(sampleValue(metrics, #"heartbeat_exporter_heartbeats_received_total{result="duplicate"}"#) == 1)
    }

    @Test func stopDeregistersWithoutAnAlert() async throws {
        let directory = TestPaths.temporaryDirectory("client-stop")
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try Self.healthRules.write(toFile: directory + "/rules/test.yml", atomically: true, encoding: .utf8)
        try "global: {evaluation_interval: 250ms}\n".write(
            toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
        let http = HTTPTestClient(baseURL: exporter.baseURL)
        let leaving = try client(exporter, "swift-leaving")
        let crashing = try client(exporter, "swift-crashing")
        await leaving.startHeartbeat(every: .milliseconds(100))
        await crashing.startHeartbeat(every: .milliseconds(100))
        try await waitUntil("both beating") {
            let leavingBeats = try await heartbeats(http, "swift-leaving")
            let crashingBeats = try await heartbeats(http, "swift-crashing")
            return leavingBeats >= 2 && crashingBeats >= 2
        }
        #expect(await leaving.stop(reason: "deploy"))
        await crashing.stopBeating()

        try await waitUntil("AgentUnreachable fires for the crashed agent") {
            try await firingAgents(http, "AgentUnreachable") == ["swift-crashing"]
        }
        let alerts = try await http.get("/api/v1/alerts").data.objectValue?["alerts"]?.arrayValue ?? []
        #expect(!alerts.contains { $0.objectValue?["labels"]?.objectValue?["agent"]?.stringValue == "swift-leaving" })
        let stopped = try #require(await agent(http, "swift-leaving"))
        #expect(stopped["state"]?.stringValue == "stopped")
        #expect(stopped["stopped"]?.objectValue?["reason"]?.stringValue == "deploy")
        #expect(await leaving.beat() == nil)
    }

    @Test func stopDeliversWhatTheClientHolds() async throws {
        let exporter = try await ExporterProcess()
        let http = HTTPTestClient(baseURL: exporter.baseURL)
        let client = try client(exporter, "swift-exiting")
        await client.startHeartbeat(every: .seconds(3600))
        try await waitUntil("the first beat") { try await heartbeats(http, "swift-exiting") >= 1 }
        await client.task("summarize") { usage in usage.add(costUSD: 0.5, tokens: 20) }
        await #expect(throws: CancellationError.self) {
            try await client.task("import orders.csv") { throw CancellationError() }
        }
        await client.task("lookup") { usage in usage.markFailed(String(repeating: "no such customer ", count: 100)) }

        #expect(await client.stop(reason: "shutting down after an error"))
        let metrics = try await http.get("/metrics").text
        #expect(sampleValue(metrics, #"agent_tasks_total{agent="swift-exiting",outcome="success"}"#) == 1)
        #expect(sampleValue(metrics, #"agent_tasks_total{agent="swift-exiting",outcome="failure"}"#) == 2)
        #expect(sampleValue(metrics, #"agent_cost_usd_total{agent="swift-exiting"}"#) == 0.5)
        let seen = try #require(await agent(http, "swift-exiting"))
        #expect(seen["state"]?.stringValue == "stopped")
        #expect(seen["metrics"]?.objectValue?["heartbeats_total"]?.numberValue == 2)
        let error = seen["last_task_error"]?.objectValue?["message"]?.stringValue ?? ""
        #expect(error.hasPrefix("no such customer no such customer") && error.utf8.count <= 512)
    }

    @Test func aThrownErrorIsTheFailedTasksError() async throws {
        let exporter = try await ExporterProcess()
        let http = HTTPTestClient(baseURL: exporter.baseURL)
        let client = try client(exporter, "swift-thrower")
        await #expect(throws: URLError.self) {
            try await client.task("fetch") { throw URLError(.timedOut) }
        }
        await client.beat()
        await client.stopBeating()
        let seen = try #require(await agent(http, "swift-thrower"))
        let error = seen["last_task_error"]?.objectValue?["message"]?.stringValue ?? ""
        #expect(error.hasPrefix("URLError: "), "\(error)")
    }

    func firingAgents(_ http: HTTPTestClient, _ alertname: String) async throws -> [String] {
        let alerts = try await http.get("/api/v1/alerts").data.objectValue?["alerts"]?.arrayValue ?? []
        return alerts.compactMap { alert in
            let labels = alert.objectValue?["labels"]?.objectValue
            guard labels?["alertname"]?.stringValue == alertname,
                alert.objectValue?["state"]?.stringValue == "firing"
            else { return nil }
            return labels?["agent"]?.stringValue
        }
    }

    @Test func aKillReachesOnKilledOnce() async throws {
        let exporter = try await ExporterProcess()
        let http = HTTPTestClient(baseURL: exporter.baseURL)
        let replies = Mutex<[BeatReply]>([])
        let client = try client(exporter, "swift-rogue") { reply in replies.withLock { $0.append(reply) } }
        await client.startHeartbeat(every: .milliseconds(100))
        try await waitUntil("first beat") { try await heartbeats(http, "swift-rogue") >= 1 }
        let kill = try await http.post("/api/v1/agents/swift-rogue/kill", #"{"reason": "cost", "by": "ops"}"#)
        #expect(kill.status == 200)
        try await waitUntil("on_killed called and three more beats") {
            let beats = try await heartbeats(http, "swift-rogue")
            return replies.withLock { !$0.isEmpty } && beats >= 5
        }
        await client.stopBeating()
        let seen = replies.withLock { $0 }
        #expect(seen.count == 1)
        #expect(seen.first?.killed == true && seen.first?.directive == "stop" && seen.first?.state == "killed")
        #expect(await client.killed)
    }

    @Test func byDefaultAKilledClientStopsBeating() async throws {
        let exporter = try await ExporterProcess()
        let http = HTTPTestClient(baseURL: exporter.baseURL)
        let client = try client(exporter, "swift-obedient")
        #expect(await client.beat() != nil)
        _ = try await http.post("/api/v1/agents/swift-obedient/kill")
        #expect(await client.beat()?.killed == true)
        #expect(await client.killed)
        #expect(await client.beat() == nil)
        #expect(try await heartbeats(http, "swift-obedient") == 2)
    }

    @Test func anExporterThatIsDownNeverThrowsAndGetsTheQueuedBeatsLater() async throws {
        let storage = TestPaths.temporaryDirectory("client-down")
        let first = try await ExporterProcess(storagePath: storage)
        let port = first.port
        let client = try client(first, "swift-patient", clock: SteppingClock())
        #expect(await client.beat() != nil)
        await first.terminate()

        try await client.reportMetric(success: true, latencyMs: 10)
        await client.task("while down") {}
        #expect(await client.beat() == nil)
        #expect(await client.beat() == nil)
        var stats = await client.stats
        #expect(stats.failures == 2 && stats.pending == 2 && stats.delivered == 1)

        let second = try await ExporterProcess(storagePath: storage, port: port)
        let http = HTTPTestClient(baseURL: second.baseURL)
        let reply = await client.beat()
        #expect(reply?.seq == 4)
        stats = await client.stats
        #expect(stats.pending == 0 && stats.delivered == 4 && stats.duplicates == 0)
        let seen = try #require(await agent(http, "swift-patient"))
        #expect(seen["metrics"]?.objectValue?["tasks_succeeded_total"]?.numberValue == 2)
        #expect(seen["metrics"]?.objectValue?["heartbeats_total"]?.numberValue == 4)
        #expect(seen["seq"]?.numberValue == 4)
    }

    /// Several exporters (as two nodes sharing one database): a beat passes over one that is down within the same
    /// attempt, and the client stays with the exporter that answered.
    @Test func beatsFailOverToTheNextExporterAndStayThere() async throws {
        let first = try await ExporterProcess()
        let second = try await ExporterProcess()
        let unused = try PostgresServer.unusedPort()
        let urls = [
            try #require(URL(string: "http://127.0.0.1:\(unused)")), try #require(URL(string: first.baseURL)),
            try #require(URL(string: second.baseURL)),
        ]
        let client = try HeartbeatClient(
            urls: urls, agent: "swift-failover", retry: RetryPolicy(retries: 0), clock: SteppingClock())
        #expect(await client.beat() != nil)
        await first.terminate()
        #expect(await client.beat() != nil)
        #expect(await client.beat() != nil)
        let stats = await client.stats
        #expect(stats.failures == 0 && stats.delivered == 3, "\(stats)")
        let http = HTTPTestClient(baseURL: second.baseURL)
        #expect(try await heartbeats(http, "swift-failover") == 2, "the two beats after the first exporter stopped")
        await second.terminate()
        #expect(throws: HeartbeatClientError.self) { try HeartbeatClient(urls: [], agent: "nowhere") }
    }

    @Test func stopWhileTheExporterIsDownReturnsFalse() async throws {
        let client = try HeartbeatClient(
            url: try #require(URL(string: "http://127.0.0.1:1")), agent: "swift-alone",
            retry: RetryPolicy(retries: 1, backoff: .milliseconds(1)), clock: SteppingClock())
        try await client.reportMetric(success: true)
        #expect(await client.stop() == false)
        #expect(await client.stats.failures == 2)
    }

    @Test func misuseIsAClearError() async throws {
        #expect(
            throws: HeartbeatClientError(argument: "agent", problem: #"must be 1-128 of [A-Za-z0-9_.:-], got "a b""#)
        ) {
            try HeartbeatClient(url: try #require(URL(string: "http://127.0.0.1:1")), agent: "a b")
        }
        let client = try HeartbeatClient(url: try #require(URL(string: "http://127.0.0.1:1")), agent: "ok")
        await #expect(
            throws: HeartbeatClientError(argument: "costUSD", problem: "must be a finite number >= 0, got -1.0")
        ) {
            try await client.reportMetric(success: true, costUSD: -1)
        }
        await #expect(
            throws: HeartbeatClientError(argument: "latencyMs", problem: "describes a task: pass success with it")
        ) {
            try await client.reportMetric(latencyMs: 5)
        }
    }
}
