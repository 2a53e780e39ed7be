import Foundation
import JSON
import Synchronization
import Testing
import TestSupport

/// Recovery ladders with real parts: the real binary, a real agent process (the Python client) killed by the
/// test and started again by the ladder's shell script, a webhook listener that receives the pages and the
/// `replace` calls, and `kill -9` of the exporter in the middle of a run.
@Suite(.serialized)
struct RecoveryLadderTests {
    /// An `AgentUnreachable` that fires at once (`for: 0s`), counting recovering agents as the shipped rule does.
    static let rules = """
        groups:
          - name: health
            interval: 1s
            rules:
              - alert: AgentUnreachable
                expr: max without (state) (agent_health{state=~"unreachable|recovering"}) == 1
                for: 0s
                labels: {severity: critical}
        """

    /// A folder with the rules and a configuration routing to `listener`, with `ladder` as the `workers` ladder's
    /// steps (agents of type `worker`).
    static func setUp(_ name: String, listener: LocalHTTPServer, steps: String) throws -> (String, [String]) {
        let directory = TestPaths.temporaryDirectory(name)
        try rules.write(toFile: directory + "/health.yml", atomically: true, encoding: .utf8)
        try """
        health: {degraded_after: 2s, unreachable_after: 4s}
        global: {evaluation_interval: 1s}
        rule_files: ['\(directory)/health.yml']
        \(AlertRoutingTests.webhookRouting([("hook", listener.url)], groupWait: "5s"))
        recovery:
          ladders:
            - name: workers
              matchers: ['agent_type="worker"']
              trigger: unreachable
              max_runs_per_hour: 3
              steps:
        \(steps)
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        return (directory, ["--config.file", directory + "/hx.yml"])
    }

    /// Writes an executable shell script.
    static func script(_ path: String, _ body: String) throws {
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// The page payloads the listener received about `agent`.
    static func pages(_ listener: LocalHTTPServer, about agent: String) -> [JSONObject] {
        ResumeTests.payloads(listener, agent: agent)
    }

    /// The agent's `recovery_run`, once it has the result `result`.
    static func run(_ client: HTTPTestClient, _ agent: String, until result: String) async throws -> JSONObject {
        var run: JSONObject?
        try await waitUntil("the recovery run of \(agent) ends as \(result)", timeout: .seconds(90)) {
            run = try await client.get("/api/v1/agents/\(agent)").data.objectValue?["recovery_run"]?.objectValue
            return run?["result"]?.stringValue == result
        }
        return run ?? JSONObject()
    }

    static func time(_ value: JSONValue?) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return value?.stringValue.flatMap { formatter.date(from: $0) }
    }

    @Test func aKilledAgentIsStartedAgainByTheLadderAndNobodyIsPaged() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let folder = try Self.tmpScriptPath("ladder-restart")
        let (_, arguments) = try Self.setUp(
            "ladder-restart", listener: listener,
            steps: """
                        - name: restart
                          command: ['\(folder)/restart-agent', '{{ .agent }}']
                          timeout: 10s
                          wait: 30s
                        - name: replace
                          webhook: {url: '\(listener.url.absoluteString)/replace', timeout: 2s}
                          wait: 5s
                """)
        let exporter = try await ExporterProcess(arguments: arguments)
        let agents = try PythonAgents(directory: folder, exporter: exporter.baseURL)
        defer { agents.stopAll() }
        try Self.script(
            agents.directory + "/restart-agent",
            """
            echo "$1" >> '\(agents.directory)/restarts'
            \(agents.startCommand(agent: "$1", type: "worker"))
            """)
        try agents.start("w1", type: "worker")
        try agents.start("control", type: "planner")  // no ladder: the rule pages about it
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        try await waitUntil("both agents beat") {
            let fleet = try await client.get("/api/v1/agents?state=healthy").data.objectValue
            return fleet?["agents"]?.arrayValue?.count == 2
        }
        agents.killAll()

        let run = try await Self.run(client, "w1", until: "recovered")
        #expect(run["outcome"]?.stringValue == "recovered by restart")
        #expect(run["steps"]?.arrayValue?.count == 1)
        #expect(run["steps"]?.arrayValue?.first?.objectValue?["result"]?.stringValue == "success")
        let restarts = try String(contentsOfFile: agents.directory + "/restarts", encoding: .utf8)
        #expect(restarts == "w1\n", "the ladder ran the script once, with the agent's name as its argument")
        try await waitUntil("the control agent, which no ladder covers, is paged") {
            !Self.pages(listener, about: "control").isEmpty
        }
        try await Task.sleep(for: .seconds(6))  // a group_wait and more for anything late about w1
        #expect(Self.pages(listener, about: "w1").isEmpty, "nothing about the restarted agent reached a person")
        #expect(!listener.requests.contains { $0.requestLine.contains("/replace") })
        let state = try await client.get("/api/v1/agents/w1").data.objectValue?["state"]?.stringValue
        #expect(state == "healthy")
        let metrics = try await client.get("/metrics").text
        #expect(metrics.contains(#"heartbeat_exporter_recovery_runs_total{ladder="workers",result="recovered"} 1"#))
        await exporter.terminate()
    }

    @Test func aLadderThatFailsPagesOnceAfterItsLastWaitNamingBothFailures() async throws {
        let listener = try LocalHTTPServer { request in
            request.requestLine.contains("/replace") ? (503, Array("busy".utf8)) : (200, [])
        }
        defer { listener.stop() }
        let folder = try Self.tmpScriptPath("ladder-fail")
        try Self.script(folder + "/restart-agent", "echo \"no unit agent@$1\"; exit 1")
        let (_, arguments) = try Self.setUp(
            "ladder-fail", listener: listener,
            steps: """
                        - name: restart
                          command: ['\(folder)/restart-agent', '{{ .agent }}']
                          timeout: 5s
                          wait: 3s
                        - name: replace
                          webhook: {url: '\(listener.url.absoluteString)/replace', timeout: 1s}
                          wait: 3s
                """)
        let exporter = try await ExporterProcess(arguments: arguments)
        defer { exporter.send(SIGTERM) }
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", #"{"agent": "w1", "agent_type": "worker"}"#).status == 202)

        let run = try await Self.run(client, "w1", until: "exhausted")
        let steps = run["steps"]?.arrayValue?.compactMap(\.objectValue) ?? []
        // The replace step retries a 503 within its 1 s timeout: twice on a quiet machine; on a loaded one fewer
        // attempts fit, or the last is cut by the timeout. Its result and summary say which.
        #expect(steps.first?["result"]?.stringValue == "failure")
        #expect(["failure", "timeout"].contains(steps.last?["result"]?.stringValue ?? ""), "\(steps)")
        #expect(steps.first?["output"]?.stringValue == "no unit agent@w1\n")
        let replaceCalls = listener.requests.filter { $0.requestLine.contains("/replace") }
        let summary = steps.last?["summary"]?.stringValue ?? ""
        #expect(!replaceCalls.isEmpty && summary.hasPrefix("503"), "\(replaceCalls.count) calls: \(summary)")
        try await waitUntil("the page arrives") { !Self.pages(listener, about: "w1").isEmpty }
        try await Task.sleep(for: .seconds(4))  // group_interval twice: nothing more is sent
        let pages = Self.pages(listener, about: "w1")
        #expect(pages.count == 1, "once")
        let alert = pages.first?["alerts"]?.arrayValue?.first?.objectValue
        let tried = alert?["annotations"]?.objectValue?["recovery"]?.stringValue ?? ""
        #expect(tried.hasPrefix("restart: exit 1 after "), "\(tried)")
        #expect(tried.hasSuffix(" s; replace: " + summary), "\(tried)")
        let body = try JSONParser.parse(replaceCalls.first?.body ?? []).objectValue
        #expect(body?["agent"]?.stringValue == "w1")
        #expect(body?["step"]?.stringValue == "replace")
        #expect(body?["tried"]?.arrayValue?.count == 1)
    }

    /// `kill -9` of the exporter while the restart step's wait lasts: the restarted exporter does not run the
    /// step again, the wait ends when it would have, and the run ends as it would have.
    @Test func aRunSurvivesKillNineDuringAWait() async throws {
        let replaced = Mutex<[Date]>([])
        let listener = try LocalHTTPServer { request in
            if request.requestLine.contains("/replace") { replaced.withLock { $0.append(Date()) } }
            return (200, [])
        }
        defer { listener.stop() }
        let folder = try Self.tmpScriptPath("ladder-kill9")
        try Self.script(folder + "/restart-agent", "echo run >> '\(folder)/restarts'; exit 1")
        let (_, arguments) = try Self.setUp(
            "ladder-kill9", listener: listener,
            steps: """
                        - name: restart
                          command: ['\(folder)/restart-agent']
                          timeout: 5s
                          wait: 20s
                        - name: replace
                          webhook: {url: '\(listener.url.absoluteString)/replace', timeout: 2s}
                          wait: 2s
                """)
        let storage = TestPaths.temporaryDirectory("ladder-kill9-data")
        let first = try await ExporterProcess(storagePath: storage, arguments: arguments)
        var client = HTTPTestClient(baseURL: first.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", #"{"agent": "w1", "agent_type": "worker"}"#).status == 202)
        var restartFinished: Date?
        try await waitUntil("the restart step finished", timeout: .seconds(60)) {
            let run = try await client.get("/api/v1/agents/w1").data.objectValue?["recovery_run"]?.objectValue
            restartFinished = Self.time(run?["steps"]?.arrayValue?.first?.objectValue?["finished_at"])
            return restartFinished != nil
        }
        try await Task.sleep(for: .seconds(5))
        await first.killHard()
        let second = try await ExporterProcess(storagePath: storage, arguments: arguments)
        defer { second.send(SIGTERM) }
        let secondReady = Date()
        client = HTTPTestClient(baseURL: second.baseURL)
        let state = try await client.get("/api/v1/agents/w1").data.objectValue?["state"]?.stringValue
        #expect(state == "recovering", "the run goes on after the restart")

        let run = try await Self.run(client, "w1", until: "exhausted")
        #expect(try String(contentsOfFile: folder + "/restarts", encoding: .utf8) == "run\n", "the step ran once")
        let steps = run["steps"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(steps.map { $0["name"]?.stringValue } == ["restart", "replace"])
        #expect(steps.map { $0["result"]?.stringValue } == ["failure", "success"])
        let finished = try #require(restartFinished)
        let replacedAt = try #require(replaced.withLock { $0.first })
        // The wait counted from the step's end, across the restart: the replace came 20 s after it, not 20 s
        // after the new process started.
        #expect(replacedAt.timeIntervalSince(finished) >= 19.9)
        #expect(replacedAt.timeIntervalSince(secondReady) < 18, "the wait was not started over")
        try await waitUntil("the page arrives once the ladder gave up") { !Self.pages(listener, about: "w1").isEmpty }
        let alert = Self.pages(listener, about: "w1").first?["alerts"]?.arrayValue?.first?.objectValue
        let tried = alert?["annotations"]?.objectValue?["recovery"]?.stringValue ?? ""
        #expect(
            tried.hasPrefix("restart: exit 1 after ") && tried.hasSuffix(" s; replace: 200, but no heartbeat followed"),
            "\(tried)")
    }

    /// A folder for a test's scripts (created on first use).
    static func tmpScriptPath(_ name: String) throws -> String {
        let path = TestPaths.temporaryDirectory(name + "-scripts")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Agents run by the Python client (`clients/python`) as separate processes, each beating every half second for
/// at most two minutes; their PIDs are kept in `<directory>/<agent>.pid` so that the test (and the ladder's
/// script) start and kill them.
struct PythonAgents {
    let directory: String
    let exporter: String

    init(directory: String, exporter: String) throws {
        self.directory = directory
        self.exporter = exporter
        let source = TestPaths.packageRoot.appendingPathComponent("clients/python/src").path
        try """
        import os, sys, time
        sys.path.insert(0, '\(source)')
        from heartbeat_client import HeartbeatClient
        url, agent, agent_type, pid_file = sys.argv[1:5]
        with open(pid_file, "w") as f:
            f.write(str(os.getpid()))
        client = HeartbeatClient(url, agent, agent_type=agent_type)
        client.start_heartbeat(interval=0.5)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not client.killed:
            time.sleep(0.1)
        """.write(toFile: directory + "/agent.py", atomically: true, encoding: .utf8)
    }

    /// The shell command that starts `agent` in the background, detached from the caller's output.
    func startCommand(agent: String, type: String) -> String {
        "python3 '\(directory)/agent.py' '\(exporter)' \"\(agent)\" '\(type)' \"\(directory)/\(agent).pid\""
            + " >/dev/null 2>&1 &"
    }

    /// Starts `agent` (left running: it stops itself after two minutes, or when killed).
    func start(_ agent: String, type: String) throws {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", directory + "/agent.py", exporter, agent, type, "\(directory)/\(agent).pid"]
        python.standardOutput = FileHandle.nullDevice
        python.standardError = FileHandle.nullDevice
        try python.run()
    }

    /// The PIDs of the agents started so far (the latest of each).
    var pids: [pid_t] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".pid") }.compactMap { file in
            (try? String(contentsOfFile: directory + "/" + file, encoding: .utf8)).flatMap { pid_t($0) }
        }
    }

    /// SIGKILL to every agent: they die without a word, as crashed agents do.
    func killAll() {
        for pid in pids { kill(pid, SIGKILL) }
    }

    /// Stops whatever still runs (the agents the ladder started again).
    func stopAll() {
        for pid in pids { kill(pid, SIGTERM) }
    }
}
