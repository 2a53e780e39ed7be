import Foundation
import Testing
import TestSupport

/// The client commands and `config check`, run as an operator would run them.
@Suite(.serialized)
struct CommandLineTests {
    func cli(_ arguments: [String], url: String? = nil) async throws -> ExternalTool.Result {
        try await ExternalTool.run(
            ExporterProcess.binary, arguments,
            environment: url.map { ["HEARTBEAT_EXPORTER_URL": $0] })
    }

    @Test func beatKillResumeAndTheAgentsTable() async throws {
        let exporter = try await ExporterProcess()
        let beat = try await cli(
            [
                "beat", "cli-agent", "--agent-type", "worker", "--success", "--latency-ms", "250",
                "--cost-usd", "0.02",
            ], url: exporter.baseURL)
        #expect(beat.status == 0)
        #expect(beat.stdout == "agent cli-agent: healthy\n")
        _ = try await cli(["beat", "other", "--url", exporter.baseURL])

        let killed = try await cli(["kill", "cli-agent", "--reason", "testing", "--url", exporter.baseURL])
        #expect(killed.stdout == "agent cli-agent: killed\n")
        let table = try await cli(["agents"], url: exporter.baseURL)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("AGENT") == true)
        #expect(lines.contains { $0.hasPrefix("cli-agent") && $0.contains("worker") && $0.contains("killed") })
        #expect(lines.last == "Summary: 1 healthy, 0 degraded, 0 unreachable, 1 killed")

        let json = try await cli(["agents", "--json", "--state", "killed"], url: exporter.baseURL)
        #expect(json.stdout.contains(#""agent":"cli-agent""#))
        #expect(!json.stdout.contains(#""agent":"other""#))

        #expect(try await cli(["resume", "cli-agent"], url: exporter.baseURL).stdout == "agent cli-agent: healthy\n")
        let metrics = try await HTTPTestClient(baseURL: exporter.baseURL).get("/metrics").text
        #expect(
            sampleValue(metrics, #"agent_tasks_total{agent="cli-agent",agent_type="worker",outcome="success"}"#) == 1)
    }

    /// `--url a,b`: the commands fail over to the next exporter while one cannot be reached or answers 503, in
    /// order, and say which failed when none answers.
    @Test func severalURLsFailOverInOrder() async throws {
        let exporter = try await ExporterProcess()
        let unavailable = try LocalHTTPServer(statuses: Array(repeating: 503, count: 10))
        defer { unavailable.stop() }
        let dead = "http://127.0.0.1:\(try PostgresServer.unusedPort())"
        let urls = "\(dead),http://127.0.0.1:\(unavailable.port),\(exporter.baseURL)"
        let beat = try await cli(["beat", "failover-agent", "--url", urls])
        #expect(beat.status == 0 && beat.stdout == "agent failover-agent: healthy\n", "\(beat.stderr)")
        #expect(unavailable.requests.count == 1, "the 503 sent it on")
        let killed = try await cli(["kill", "failover-agent"], url: urls)
        #expect(killed.stdout == "agent failover-agent: killed\n", "\(killed.stderr)")

        let nowhere = try await cli(["agents", "--url", "\(dead),\(dead)/"])
        #expect(nowhere.status == 1)
        #expect(nowhere.stderr.contains("cannot reach \(dead): ") && nowhere.stderr.contains("; \(dead): "))
        #expect(try await cli(["agents", "--url", " , "]).stderr.contains("--url: no URL given"))
    }

    /// A recovering agent in the table, with the ladder's step, and the recovering count in the summary. The
    /// exporter's reply is played by a stand-in (ServerTests check that the exporter answers with this shape): no
    /// recovery ladder sets the state from outside yet.
    @Test func theAgentsTableShowsARecoveringAgentWithItsStep() async throws {
        let reply = #"""
            {"status":"success","data":{"agents":[
              {"agent":"w1","agent_type":"worker","state":"recovering","last_heartbeat_age_seconds":312,
               "recovery":{"ladder":"workers","step":"restart","since":"2026-01-01T00:05:00Z",
                           "step_since":"2026-01-01T00:05:00Z"}},
              {"agent":"w2","state":"healthy","last_heartbeat_age_seconds":4,"recovery":null}],
             "summary":{"healthy":1,"degraded":0,"unreachable":0,"recovering":1,"killed":0,"stopped":0,"total":2}}}
            """#
        let api = try LocalHTTPServer { _ in (200, Array(reply.utf8)) }
        defer { api.stop() }
        let table = try await cli(["agents"], url: "http://127.0.0.1:\(api.port)")
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("AGENT") == true)
        let row = try #require(lines.first { $0.hasPrefix("w1") })
        #expect(row.contains("worker") && row.contains("recovering (restart)") && row.contains("5m ago"))
        #expect(lines.contains { $0.hasPrefix("w2") && $0.contains("healthy") })
        #expect(lines.last == "Summary: 1 healthy, 0 degraded, 0 unreachable, 1 recovering, 0 killed")
        #expect(api.requests.first?.requestLine == "GET /api/v1/agents HTTP/1.1")
    }

    @Test func silencesAddQueryExpireAndTheAlertsTable() async throws {
        let directory = TestPaths.temporaryDirectory("cli-silence")
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try "groups: [{name: g, interval: 1s, rules: [{alert: AgentSeen, expr: agent_heartbeats_total > 0}]}]\n"
            .write(toFile: directory + "/rules/seen.yml", atomically: true, encoding: .utf8)
        try "global: {evaluation_interval: 1s}\n".write(
            toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
        let url = exporter.baseURL

        let added = try await cli(
            ["silence", "add", "agent=quiet", "--comment", "maintenance", "--duration", "2h"], url: url)
        #expect(added.status == 0, "\(added.stderr)")
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let listed = try await cli(["silence", "query"], url: url).stdout
        #expect(listed.contains(id) && listed.contains(#"agent="quiet""#) && listed.contains("maintenance"))
        let refused = try await cli(["silence", "add", "agent=~(", "--comment", "x"], url: url)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("error parsing regexp"))

        _ = try await cli(["beat", "quiet"], url: url)
        _ = try await cli(["beat", "loud"], url: url)
        try await waitUntil("both agents' alerts are routed") {
            let table = try await cli(["alerts"], url: url).stdout
            return table.contains("loud") && table.contains("quiet")
        }
        let table = try await cli(["alerts"], url: url).stdout.split(separator: "\n").map(String.init)
        #expect(table.first?.hasPrefix("ALERT") == true)
        #expect(table.contains { $0.contains("quiet") && $0.contains("suppressed") && $0.contains(id) })
        #expect(table.contains { $0.contains("loud") && $0.contains("active") })
        #expect(!(try await cli(["alerts", "--active"], url: url).stdout.contains("quiet")))

        #expect(try await cli(["silence", "expire", id], url: url).status == 0)
        #expect(!(try await cli(["silence", "query"], url: url).stdout.contains(id)))
        #expect(try await cli(["silence", "query", "--expired"], url: url).stdout.contains(id))
        let missing = try await cli(["silence", "expire", id + "x"], url: url)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("not found"))
    }

    @Test func deleteForgetsAnAgentWithYesAndRefusesWithoutATerminal() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        _ = try await cli(["beat", "doomed"], url: exporter.baseURL)

        let refused = try await cli(["delete", "doomed"], url: exporter.baseURL)
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "error: refusing to delete agent \"doomed\" without confirmation: standard input is not a "
                + "terminal; pass --yes to delete it\n")
        #expect(try await client.get("/api/v1/agents/doomed").status == 200)

        let deleted = try await cli(["delete", "doomed", "--yes"], url: exporter.baseURL)
        #expect(deleted.status == 0)
        #expect(deleted.stdout == "agent doomed: deleted\n")
        #expect(try await client.get("/api/v1/agents/doomed").status == 404)
        #expect(!(try await client.get("/metrics").text.contains(#"agent="doomed""#)))

        let unknown = try await cli(["delete", "doomed", "-y"], url: exporter.baseURL)
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: HTTP 404: unknown agent \"doomed\"\n")
    }

    @Test func deleteAsksOnATerminalAndNeedsTheAdminToken() async throws {
        let directory = TestPaths.temporaryDirectory("cli-delete")
        try "s3cret\n".write(toFile: directory + "/admin", atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--web.admin-token-file", directory + "/admin"])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        _ = try await cli(["beat", "kept"], url: exporter.baseURL)
        _ = try await cli(["beat", "gone"], url: exporter.baseURL)
        let token = ["HEARTBEAT_EXPORTER_URL": exporter.baseURL, "HEARTBEAT_EXPORTER_TOKEN": "s3cret"]

        let declined = try await Self.onTerminal(["delete", "kept"], answer: "n", environment: token)
        #expect(declined.status == 1)
        #expect(
            declined.output.contains(
                "Delete agent \"kept\" (healthy), its series and its history? This cannot be undone. [y/N] "))
        #expect(declined.output.contains("error: agent \"kept\" was not deleted"))
        #expect(try await client.get("/api/v1/agents/kept").status == 200)

        let confirmed = try await Self.onTerminal(["delete", "gone"], answer: "y", environment: token)
        #expect(confirmed.status == 0)
        #expect(confirmed.output.contains("agent gone: deleted"))
        #expect(try await client.get("/api/v1/agents/gone").status == 404)

        let withoutToken = try await cli(["delete", "kept", "--yes"], url: exporter.baseURL)
        #expect(withoutToken.status == 1)
        #expect(withoutToken.stderr.hasPrefix("error: HTTP 401: "))
        let withTokenFile = try await cli(
            ["delete", "kept", "--yes", "--token-file", directory + "/admin"], url: exporter.baseURL)
        #expect(withTokenFile.stdout == "agent kept: deleted\n")
    }

    /// Runs the binary with a pseudo-terminal as its standard input and output (Python's `pty`), typing `answer`
    /// once it has asked; returns everything the terminal showed.
    static func onTerminal(_ arguments: [String], answer: String, environment: [String: String]) async throws -> (
        status: Int32, output: String
    ) {
        let script = """
            import os, pty, sys
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], sys.argv[1:])
            out = b""
            def read():
                global out
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    return False
                out += chunk
                return bool(chunk)
            while b"[y/N]" not in out and read():
                pass
            os.write(fd, os.environ["ANSWER"].encode() + b"\\n")
            while read():
                pass
            _, status = os.waitpid(pid, 0)
            sys.stdout.write(out.decode(errors="replace"))
            sys.exit(os.waitstatus_to_exitcode(status))
            """
        let result = try await ExternalTool.run(
            "python3", ["-c", script, ExporterProcess.binary] + arguments,
            environment: environment.merging(["ANSWER": answer]) { $1 })
        return (result.status, result.stdout + result.stderr)
    }

    @Test func clientErrorsAreClearAndExitNonZero() async throws {
        let exporter = try await ExporterProcess()
        let unknown = try await cli(["kill", "ghost"], url: exporter.baseURL)
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: HTTP 404: unknown agent \"ghost\"\n")
        let down = try await cli(["agents", "--url", "http://127.0.0.1:1"])
        #expect(down.status == 1)
        #expect(down.stderr.hasPrefix("error: cannot reach http://127.0.0.1:1"))
    }

    @Test func serveRefusesABadShutdownGraceAndListsTheFlag() async throws {
        let refused = try await cli([
            "serve", "--web.shutdown-grace", "soon", "--storage.path", TestPaths.temporaryDirectory(),
        ])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains(#"--web.shutdown-grace: not a valid duration string: "soon""#))
        let help = try await cli(["serve", "--help"])
        #expect(help.stdout.contains("--web.shutdown-grace"))
    }

    @Test(arguments: [
        (["--web.read-timeout", "soon"], #"--web.read-timeout: not a valid duration string: "soon""#),
        (["--web.max-connections", "0"], "--web.max-connections must be above 0"),
        (["--web.max-connections-per-client=-1"], "--web.max-connections-per-client must be 0 (no limit) or above"),
    ])
    func serveRefusesBadConnectionLimitsAndListsTheFlags(flags: [String], message: String) async throws {
        let refused = try await cli(["serve", "--storage.path", TestPaths.temporaryDirectory()] + flags)
        #expect(refused.status == 64)
        #expect(refused.stderr.contains(message))
        let help = try await cli(["serve", "--help"])
        #expect(help.stdout.contains(flags[0].split(separator: "=")[0]))
    }

    @Test func configCheckExitCodes() async throws {
        let good = NSTemporaryDirectory() + "good-\(UUID().uuidString).yml"
        let bad = NSTemporaryDirectory() + "bad-\(UUID().uuidString).yml"
        try "health:\n  degraded_after: 2m\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "health:\n  degraded_after: soon\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let ok = try await cli(["config", "check", good])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("SUCCESS"))
        let failed = try await cli(["config", "check", bad])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("\(bad):2:19: health.degraded_after: not a valid duration string: \"soon\""))
    }

    @Test func configCheckChecksEveryRuleFileTheConfigurationNames() async throws {
        let directory = TestPaths.temporaryDirectory("config-check-rules")
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        let rules = [
            "good.yml": "groups: [{name: g, rules: [{alert: Down, expr: agent_up == 0}]}]\n",
            "outside.yml":
                "groups:\n  - name: fleet\n    rules:\n      - alert: AgentDown\n        expr: agent_up @ 1700000000 == 0\n",
            "syntax.yml": "groups:\n  - name: broken\n    rules:\n      - alert: X\n        expr: sum(\n",
        ]
        for (name, text) in rules {
            try text.write(toFile: directory + "/rules/" + name, atomically: true, encoding: .utf8)
        }
        try "rule_files: ['rules/*.yml']\n".write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        let files = ["good.yml", "outside.yml", "syntax.yml"].map { directory + "/rules/" + $0 }

        let checked = try await cli(["config", "check", directory + "/hx.yml"])
        let rulesChecked = try await cli(["rules", "check"] + files)

        #expect(checked.status == 1)
        #expect(
            checked.stdout.hasPrefix(
                "Checking \(directory)/hx.yml\n  SUCCESS: 3 rule files found\n SUCCESS: \(directory)/hx.yml is valid\n\n"
            ))
        #expect(checked.stdout.hasSuffix(rulesChecked.stdout))
        #expect(checked.stderr == rulesChecked.stderr)
        #expect(
            checked.stderr.contains(
                "\(directory)/rules/outside.yml: 5:15: group \"fleet\", rule 1, \"AgentDown\": @ modifier "
                    + "with a fixed time (@ 1700000000.000, on the selector {__name__=\"agent_up\"}) cannot be used "
                    + "in a rule"))
        #expect(checked.stderr.contains("\(directory)/rules/syntax.yml: 5:15: group \"broken\", rule 1, \"X\": "))

        try FileManager.default.removeItem(atPath: files[1])
        try FileManager.default.removeItem(atPath: files[2])
        let fixed = try await cli(["config", "check", directory + "/hx.yml"])
        #expect(fixed.status == 0)
        #expect(fixed.stdout.hasSuffix("Checking \(files[0])\n  SUCCESS: 1 rules found\n\n"))

        try "rule_files: ['rules/*.yml', 'missing.yml']\n".write(
            toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        let missing = try await cli(["config", "check", directory + "/hx.yml"])
        #expect(missing.status == 1)
        #expect(
            missing.stdout.contains("FAILED: \(directory)/missing.yml: open \(directory)/missing.yml: no such file"))
    }

    @Test func reloadKeepsTheOldConfigurationWhenTheNewOneIsBad() async throws {
        let config = NSTemporaryDirectory() + "reload-\(UUID().uuidString).yml"
        try "health:\n  degraded_after: 1m\n".write(toFile: config, atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", config])
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        _ = try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("r"))
        func degradedAfter() async throws -> Double? {
            try await client.get("/api/v1/agents/r").data.objectValue?["thresholds"]?.objectValue?[
                "degraded_after_seconds"]?.numberValue
        }
        #expect(try await degradedAfter() == 60)

        try "health:\n  degraded_after: 2m\n".write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try await client.post("/-/reload").status == 200)
        #expect(try await degradedAfter() == 120)

        try "health:\n  degraded_after: forever\n".write(toFile: config, atomically: true, encoding: .utf8)
        let refused = try await client.post("/-/reload")
        #expect(refused.status == 400)
        #expect(refused.text.contains("health.degraded_after: not a valid duration string"))
        #expect(try await degradedAfter() == 120)
        #expect(
            sampleValue(try await client.get("/metrics").text, "heartbeat_exporter_config_last_reload_successful") == 0)

        try "health:\n  degraded_after: 3m\n".write(toFile: config, atomically: true, encoding: .utf8)
        exporter.send(SIGHUP)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await degradedAfter() == 180)
    }
}
