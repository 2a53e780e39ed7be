import Foundation
import JSON
import Model
import Recovery
import Testing
import TestSupport

/// A recovery ladder in the whole exporter, under the manual clock: a silent worker is restarted before anyone is
/// paged; the page comes only when the ladder gives up, once, saying what was tried. Steps are carried out by a
/// script of reports (commands and webhooks for real are in the integration tests).
struct RecoveryLadderTests {
    static let rules = """
        groups:
          - name: health
            interval: 15s
            rules:
              - alert: AgentUnreachable
                expr: max without (state) (agent_health{state=~"unreachable|recovering"}) == 1
                for: 0s
                labels: {severity: critical}
                annotations: {summary: "{{ $labels.agent }} stopped sending heartbeats"}
        """

    let steps: ScriptedSteps
    let api: APIFixture

    init() throws {
        let clock = ManualClock()
        let directory = TestPaths.temporaryDirectory("ladder")
        try Self.rules.write(toFile: directory + "/health.yml", atomically: true, encoding: .utf8)
        steps = ScriptedSteps(clock: clock, duration: .zero)
        api = try APIFixture(
            config: """
                rule_files: ['\(directory)/health.yml']
                route:
                  receiver: team
                  group_by: [alertname, agent]
                  group_wait: 10s
                  group_interval: 1m
                  repeat_interval: 1h
                receivers:
                  - name: team
                    webhook_configs: [{url: 'http://127.0.0.1:9/hook'}]
                recovery:
                  ladders:
                    - name: workers
                      matchers: ['agent_type="worker"']
                      trigger: unreachable
                      max_runs_per_hour: 3
                      steps:
                        - name: restart
                          command: [restart-agent, '{{ .agent }}']
                          timeout: 30s
                          wait: 2m
                        - name: replace
                          webhook: {url: 'http://127.0.0.1:9/replace', timeout: 10s}
                          wait: 3m
                """, recoverySteps: steps, clock: clock)
    }

    func beat(_ agent: String) {
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "\#(agent)", "agent_type": "worker"}"#).status == 202)
    }

    /// Lets `seconds` pass a second at a time, running each thread's work as the running exporter would.
    func pass(_ seconds: Int) async {
        for _ in 0..<seconds {
            api.clock.advance(by: 1)
            api.exporter.runMaintenance()
            await api.exporter.recoveryStepsSettled()
            api.exporter.evaluateRules()
            api.exporter.routeAlerts()
            await api.exporter.deliveriesSettled()
        }
    }

    /// The webhook notifications sent so far: `agent=status [recovery annotation]` for each alert.
    func pages() -> [String] {
        api.transport.requests.filter { $0.url.path == "/hook" }.flatMap { request in
            let payload = try? JSONParser.parse(request.body).objectValue
            return (payload?["alerts"]?.arrayValue ?? []).map { alert in
                let object = alert.objectValue
                let agent = object?["labels"]?.objectValue?["agent"]?.stringValue ?? ""
                let status = object?["status"]?.stringValue ?? ""
                let recovery = object?["annotations"]?.objectValue?["recovery"]?.stringValue
                return "\(agent)=\(status)" + (recovery.map { " [\($0)]" } ?? "")
            }
        }
    }

    func recoveryRun(_ agent: String) -> JSONObject? {
        api.send("GET", "/api/v1/agents/\(agent)").data.objectValue?["recovery_run"]?.objectValue
    }

    @Test func aWorkerRestartedInTimeNeverPagesAnyone() async throws {
        beat("w1")
        await pass(315)
        #expect(steps.carriedOut == ["restart restart-agent w1"])
        let held = api.send("GET", "/api/v2/alerts").json.arrayValue?.first?.objectValue?["status"]?.objectValue
        #expect(held?["silencedBy"]?.arrayValue?.compactMap(\.stringValue) == ["recovery:w1"])
        #expect(api.send("GET", "/api/v1/agents/w1").data.objectValue?["state"]?.stringValue == "recovering")
        await pass(45)
        beat("w1")
        await pass(240)
        #expect(pages().isEmpty, "the alert fired and resolved while held: nobody was told")
        #expect(api.send("GET", "/api/v2/alerts").json.arrayValue?.isEmpty == true)
        let run = try #require(recoveryRun("w1"))
        #expect(run["result"]?.stringValue == "recovered")
        #expect(run["outcome"]?.stringValue == "recovered by restart")
        #expect(run["steps"]?.arrayValue?.first?.objectValue?["summary"]?.stringValue == "exit 0 after 1.0 s")
        let metrics = api.send("GET", "/metrics").text
        #expect(metrics.contains(#"heartbeat_exporter_recovery_runs_total{ladder="workers",result="recovered"} 1"#))
        #expect(
            metrics.contains(
                #"heartbeat_exporter_recovery_steps_total{ladder="workers",step="restart",result="success"} 1"#))
        #expect(metrics.contains(#"heartbeat_exporter_recovery_runs_total{ladder="workers",result="exhausted"} 0"#))
    }

    /// The maintenance thread runs at a low priority and may fall behind: a worker that turns unreachable while
    /// it has not swept yet is seen by the rules first. The rule engine notices the change itself before it samples
    /// the fleet, so the ladder holds the alert before it fires, and nobody is paged.
    @Test func aLateSweepDoesNotLetTheAlertPageBeforeTheLadderHoldsIt() async throws {
        beat("w1")
        for second in 1...330 {
            api.clock.advance(by: 1)
            api.exporter.evaluateRules()
            await api.exporter.recoveryStepsSettled()
            api.exporter.routeAlerts()
            await api.exporter.deliveriesSettled()
            if second % 30 == 20 { api.exporter.runMaintenance() }
        }
        #expect(steps.carriedOut == ["restart restart-agent w1"])
        #expect(pages().isEmpty, "paged before the ladder held the alert: \(pages())")
        let held = api.send("GET", "/api/v2/alerts").json.arrayValue?.first?.objectValue?["status"]?.objectValue
        #expect(held?["silencedBy"]?.arrayValue?.compactMap(\.stringValue) == ["recovery:w1"])
    }

    @Test func aLadderThatGivesUpPagesOnceAtOnceWithWhatWasTried() async throws {
        steps.answer("restart", StepReport(outcome: .failure, summary: "exit 1 after 0.4 s"))
        steps.answer("replace", StepReport(outcome: .failure, summary: "503 twice"))
        beat("w1")
        await pass(300)
        await pass(120 + 179)
        #expect(steps.carriedOut == ["restart restart-agent w1", "replace http://127.0.0.1:9/replace"])
        #expect(pages().isEmpty, "held through both steps and their waits")
        await pass(1)
        #expect(pages() == ["w1=firing [restart: exit 1 after 0.4 s; replace: 503 twice]"], "at once")
        await pass(1800)
        #expect(pages().count == 1, "once")
        #expect(recoveryRun("w1")?["result"]?.stringValue == "exhausted")
        #expect(recoveryRun("w1")?["tried"]?.stringValue == "restart: exit 1 after 0.4 s; replace: 503 twice")
        #expect(api.send("GET", "/api/v1/agents/w1").data.objectValue?["state"]?.stringValue == "unreachable")
    }

    /// Three runs within the hour, each recovered; the fourth silence pages at once, as if there were no ladder.
    @Test func aFourthRunWithinTheHourIsRefusedAndTheAlertIsSentAtOnce() async throws {
        for _ in 1...3 {
            beat("w1")
            await pass(301)
            beat("w1")
            await pass(1)
        }
        #expect(steps.carriedOut.count == 3)
        #expect(pages().isEmpty)
        beat("w1")
        await pass(300)
        #expect(steps.carriedOut.count == 3, "refused: nothing run")
        await pass(15)
        #expect(pages() == ["w1=firing [nothing tried: max_runs_per_hour reached]"], "at the rule's next evaluation")
        #expect(recoveryRun("w1")?["result"]?.stringValue == "refused")
    }
}
