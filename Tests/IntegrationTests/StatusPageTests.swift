import Foundation
import JSON
import Testing
import TestSupport

/// The status page (`GET /`, `GET /agents/{agent}`) served by the real binary: its headers, and what an operator
/// sees and does in a real headless Chromium (Tests/IntegrationTests/Browser/status_page_test.py, driven through Selenium).
@Suite(.serialized)
struct StatusPageTests {
    static let browserScript = TestPaths.packageRoot.appendingPathComponent(
        "Tests/IntegrationTests/Browser/status_page_test.py"
    ).path

    /// Where the browser test saves its screenshots for a person to look at (kept after the run).
    static let screenshots: String = {
        let path = TestPaths.packageRoot.appendingPathComponent(".build/test-screenshots").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Agents of type `slow` turn degraded after 1 s and stay so; `gone` turns unreachable after 2 s, when a
    /// recovery ladder whose command fails (`false`) runs for it and gives up a second later.
    static let config = """
        health:
          by_agent_type:
            slow: {degraded_after: 1s, unreachable_after: 1h}
            gone: {degraded_after: 1s, unreachable_after: 2s}
        global: {evaluation_interval: 1s}
        rule_files: ['\(TestPaths.packageRoot.path)/rules/*.yml']
        recovery:
          ladders:
            - name: gone-ones
              matchers: ['agent_type="gone"']
              steps:
                - {name: restart, command: [false], timeout: 5s, wait: 1s}
        fleet:
          expected:
            agents: [{name: ghost, agent_type: indexer}]
        """

    /// Starts an exporter with the shipped rules and a fleet in every state; `arguments` are extra flags.
    func exporterWithFleet(arguments: [String] = [], token: String? = nil) async throws -> ExporterProcess {
        let directory = TestPaths.temporaryDirectory("status-page")
        try Self.config.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"] + arguments)
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let admin = token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
        let beats = [
            #"""
            {"agent": "planner.alpha", "agent_type": "planner", "interval_seconds": 3600, "current_task": "plan sprint",
             "task_progress": 0.25, "tasks": [{"success": true, "latency_ms": 200, "cost_usd": 0.02, "tokens": 300}]}
            """#,
            #"""
            {"agent": "coder-1", "agent_type": "coder", "interval_seconds": 3600, "metrics": {"cost_usd": 1.5},
             "depends_on": ["planner.alpha"],
             "current_task": "<img src=x onerror=\"window.__injected=1\"><script>window.__injected=2</script>"}
            """#,
            #"{"agent": "coder-2", "agent_type": "slow"}"#,
            #"{"agent": "reviewer", "agent_type": "gone"}"#,
            #"{"agent": "coder-killed", "agent_type": "coder", "interval_seconds": 3600}"#,
            #"{"agent": "stopper", "interval_seconds": 3600}"#,
            #"{"agent": "maint.agent", "agent_type": "slow"}"#,
        ]
        for beat in beats { #expect(try await client.post("/api/v1/heartbeat", beat).status == 202) }
        let kill = try await client.post("/api/v1/agents/coder-killed/kill", #"{"by": "test"}"#, headers: admin)
        #expect(kill.status == 200)
        #expect(try await client.post("/api/v1/agents/stopper/stop").status == 200)
        let maintenance = try await client.post(
            "/api/v1/agents/maint.agent/maintenance", #"{"duration": "1h", "reason": "disk swap"}"#, headers: admin)
        #expect(maintenance.status == 200)
        #expect(try await client.post("/api/v1/agents/backup/start").status == 202)
        // Longer than the page's box for it: it must open at its end.
        let copying = (1...200).map { "copying file \($0) of 200\\n" }.joined()
        let finish = #"""
            {"agent": "backup", "exit_code": 3, "output": "\#(copying)<b onmouseover=\"window.__injected=3\">disk full</b>\n"}
            """#
        #expect(try await client.post("/api/v1/heartbeat", finish).status == 202)
        try await waitUntil("every state is present, Watchdog fires and the ladder gave up", client) { agents, alerts in
            Set(agents.values) == ["healthy", "degraded", "unreachable", "missing", "maintenance", "killed", "stopped"]
                && alerts.contains("Watchdog") && alerts.contains("AgentUnreachable")
        }
        return exporter
    }

    private func waitUntil(
        _ what: String, _ client: HTTPTestClient,
        _ accept: ([String: String], [String]) -> Bool
    ) async throws {
        let deadline = Date().addingTimeInterval(20)
        var last: ([String: String], [String]) = ([:], [])
        while Date() < deadline {
            let fleet = try await client.get("/api/v1/agents").data.objectValue?["agents"]?.arrayValue ?? []
            let alerts = try await client.get("/api/v1/alerts").data.objectValue?["alerts"]?.arrayValue ?? []
            last.0 = Dictionary(
                fleet.compactMap { agent in
                    agent.objectValue.flatMap { object in
                        object["agent"]?.stringValue.flatMap { name in object["state"]?.stringValue.map { (name, $0) } }
                    }
                }, uniquingKeysWith: { first, _ in first })
            last.1 = alerts.compactMap { $0.objectValue?["labels"]?.objectValue?["alertname"]?.stringValue }
            if accept(last.0, last.1) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("\(what) never held; last: \(last)")
    }

    /// Runs the browser script; its output names every check and what failed.
    private func runBrowser(_ arguments: [String]) async throws -> ExternalTool.Result {
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        // -B: no __pycache__ in the tree
        return try await ExternalTool.run(python, ["-B", Self.browserScript] + arguments)
    }

    @Test func pagesAndFilesAreServedWithTheirTypesCachingAndAStrictPolicy() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        var files: [String] = []
        for path in ["/", "/agents/some.agent"] {
            let page = try await client.get(path)
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.headers["cache-control"] == "no-cache")
            #expect(page.headers["content-security-policy"]?.hasPrefix("default-src 'self';") == true)
            #expect(page.headers["x-content-type-options"] == "nosniff")
            #expect(!page.text.contains("<script>") && !page.text.contains("style="), "inline code would break the CSP")
            files += Self.referencedFiles(page.text)
        }
        let types = Set(
            try await files.asyncMap { try await client.get($0) }.map { reply in
                #expect(reply.status == 200)
                #expect(reply.headers["cache-control"] == "public, max-age=31536000, immutable")
                #expect(reply.headers["content-security-policy"] != nil)
                return reply.headers["content-type"] ?? ""
            })
        #expect(types == ["text/css; charset=utf-8", "text/javascript; charset=utf-8", "image/svg+xml"])
        #expect(try await client.get("/static/nothing.js").status == 404)
        await exporter.terminate()
    }

    /// The `/static/…` files a page links to, as absolute paths.
    static func referencedFiles(_ html: String) -> [String] {
        html.matches(of: /(?:src|href)="(?:\.\.?\/)+(static\/[^"]+)"/).map { "/" + String($0.output.1) }
    }

    @Test(.timeLimit(.minutes(3)))
    func anOperatorSeesFiltersKillsAndResumesAgentsInARealBrowser() async throws {
        let exporter = try await exporterWithFleet()
        let run = try await runBrowser([
            "--url", exporter.baseURL, "--kill", "planner.alpha", "--search", "oder",
            "--xss-agent", "coder-1", "--job-agent", "backup", "--recovered-agent", "reviewer",
            "--maintenance-agent", "maint.agent", "--missing-agent", "ghost", "--dependent-agent", "coder-1",
            "--screenshots", Self.screenshots,
        ])
        #expect(run.status == 0, "browser checks failed:\n\(run.stdout)\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "ok - ").count - 1 == 18, "\(run.stdout)")
        await exporter.terminate()
    }

    @Test(.timeLimit(.minutes(3)))
    func withAnAdminTokenThePageExplainsTheRefusalAndActsOnceTheTokenIsEntered() async throws {
        let token = "page-token-\(UUID().uuidString)"
        let tokenFile = TestPaths.temporaryDirectory("status-page-token") + "/admin-token"
        try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let exporter = try await exporterWithFleet(arguments: ["--web.admin-token-file", tokenFile], token: token)
        let run = try await runBrowser(["--url", exporter.baseURL, "--kill", "planner.alpha", "--token", token])
        #expect(run.status == 0, "browser checks failed:\n\(run.stdout)\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "ok - ").count - 1 == 4, "\(run.stdout)")
        await exporter.terminate()
    }
}
