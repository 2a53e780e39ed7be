import Foundation
import Testing
import TestSupport

/// `heartbeat-exporter recovery plan AGENT` against the real exporter, and `config check` on the `recovery:`
/// section, run as an operator would run them.
@Suite(.serialized)
struct RecoveryPlanCommandTests {
    static let config = """
        recovery:
          ladders:
            - name: gpus
              matchers: ['agent_type="gpu"']
              steps: [{name: reboot, command: [reboot], wait: 5m}]
            - name: workers
              matchers: ['agent_type="worker"']
              max_runs_per_hour: 2
              steps:
                - name: restart
                  command: [/usr/bin/restart-agent, '{{ .agent }}', '--team={{ .team }}', '{{ .host }}']
                  wait: 2m
                - name: replace
                  webhook: {url: 'http://orchestrator.example:8080/replace', timeout: 5s}
                  wait: 3m

        """

    /// Runs the binary in `directory` (where a command run through a shell would leave its traces).
    func cli(_ arguments: [String], url: String, in directory: String? = nil) async throws -> ExternalTool.Result {
        try await ExternalTool.run(
            ExporterProcess.binary, arguments,
            environment: ["HEARTBEAT_EXPORTER_URL": url, "PATH": "/usr/local/bin:/usr/bin:/bin"],
            workingDirectory: directory)
    }

    @Test func printsTheMatchingLadderAndTheExactArgvWithoutRunningIt() async throws {
        let directory = TestPaths.temporaryDirectory("recovery-plan")
        let configFile = directory + "/hx.yml"
        try Self.config.write(toFile: configFile, atomically: true, encoding: .utf8)
        let exporter = try await ExporterProcess(arguments: ["--config.file", configFile])
        defer { exporter.send(SIGTERM) }
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let beat = HTTPTestClient.beat(
            "w-1",
            extra: #""agent_type": "worker", "host": "node 7", "labels": {"team": "a b'\"; $(touch x)\n`id`"}"#)
        #expect(try await client.post("/api/v1/heartbeat", beat).status == 202)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("lone")).status == 202)

        let plan = try await cli(
            ["recovery", "plan", "w-1", "--config.file", configFile], url: exporter.baseURL, in: directory)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(
            plan.stdout == #"""
                agent "w-1"
                ladder "workers": trigger degraded, at most 2 runs per hour
                step 1 "restart": command, timeout 30s, then wait 2m
                  argv: ["/usr/bin/restart-agent" "w-1" "--team=a b'\"; $(touch x)\n`id`" "node 7"]
                  env:  HEARTBEAT_AGENT="w-1" HEARTBEAT_AGENT_TYPE="worker" HEARTBEAT_STEP="restart" PATH="/usr/local/bin:/usr/bin:/bin"
                step 2 "replace": webhook, timeout 5s, then wait 3m
                  POST "http://orchestrator.example:8080/replace"

                """#)
        #expect(!FileManager.default.fileExists(atPath: directory + "/x"))

        let none = try await cli(["recovery", "plan", "lone", "--config.file", configFile], url: exporter.baseURL)
        #expect(none.status == 0)
        #expect(none.stdout == "agent \"lone\": no ladder matches\n")

        let unknown = try await cli(["recovery", "plan", "ghost", "--config.file", configFile], url: exporter.baseURL)
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: agent \"ghost\" is unknown to the exporter at \(exporter.baseURL)\n")
    }

    @Test func aBadLadderFailsConfigCheckAndRecoveryPlanNamingKeyAndLine() async throws {
        let directory = TestPaths.temporaryDirectory("recovery-check")
        let configFile = directory + "/hx.yml"
        try Self.config.replacingOccurrences(of: "timeout: 5s", with: "timeout: 0s").write(
            toFile: configFile, atomically: true, encoding: .utf8)
        let message = "\(configFile):14:79: recovery.ladders[1].steps[1].webhook.timeout: must be above 0s"

        let checked = try await cli(["config", "check", configFile], url: "http://127.0.0.1:1")
        #expect(checked.status == 1)
        #expect(checked.stdout.contains("FAILED: \(message)"), "\(checked.stdout)")

        let plan = try await cli(["recovery", "plan", "w-1", "--config.file", configFile], url: "http://127.0.0.1:1")
        #expect(plan.status == 1)
        #expect(plan.stderr == "error: \(message)\n")
    }
}
