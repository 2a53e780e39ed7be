import Foundation
import JSON
import Testing
import TestSupport

/// `heartbeat-exporter demo` against the real exporter with the example configuration of `examples/demo/`:
/// every scripted behaviour raises its shipped alert, which reaches a local webhook listener, and nothing else
/// fires; the alert of the agent the operator killed is suppressed and never sent.
@Suite(.serialized)
struct DemoTests {
    /// Each scripted misbehaviour and the alert it must raise.
    static let expectedFiring: Set<AlertKey> = [
        AlertKey("Watchdog"),
        AlertKey("AgentDegraded", "demo-vanisher"),
        AlertKey("AgentUnreachable", "demo-vanisher"),
        AlertKey("AgentCostSpike", "demo-spender"),
        AlertKey("AgentErrorRateHigh", "demo-flaky"),
        AlertKey("AgentStuck", "demo-stuck"),
        AlertKey("AgentTaskLatencyHigh", "demo-slowpoke"),
        AlertKey("AgentRestartLoop", "demo-restarter"),
        AlertKey("AgentErrorRateHigh", "demo-rogue"),
        AlertKey("AgentFailureStreak", "demo-rogue"),
        AlertKey("HeartbeatsRejected"),
        AlertKey("JobFailed", "demo-backup-job"),
        AlertKey("JobRunningTooLong", "demo-hung-job"),
        AlertKey("JobLate", "demo-late-job"),
        AlertKey("AgentMissing", "demo-ghost"),
        AlertKey("FleetBelowExpected"),
        AlertKey("RuleEvaluationsMissed"),
    ]
    /// The alerts of agents an operator killed: they fire, and are suppressed instead of notified.
    static let suppressed: Set<AlertKey> = [
        AlertKey("AgentErrorRateHigh", "demo-rogue"), AlertKey("AgentFailureStreak", "demo-rogue"),
    ]
    /// Agents that must never have an alert, not even pending after their first beat.
    static let quietAgents = ["demo-worker-1", "demo-worker-2", "demo-worker-3", "demo-report-job"]

    @Test(.timeLimit(.minutes(4)))
    func everyScriptedBehaviourRaisesItsAlertAndNothingElseFires() async throws {
        let webhook = try LocalHTTPServer()
        defer { webhook.stop() }
        let run = try await DemoRun(webhook: webhook.url)
        let timeline = try await run.watchAlerts(until: Self.expectedFiring, timeout: .seconds(150))
        let routed = try await run.routedAlerts()
        for key in Self.suppressed {
            #expect(routed[key]?["state"]?.stringValue == "suppressed", "\(key): \(String(describing: routed[key]))")
            #expect(routed[key]?["silencedBy"]?.arrayValue?.compactMap(\.stringValue) == ["killed:\(key.agent)"])
        }
        let notifiable = Self.expectedFiring.subtracting(Self.suppressed)
        try await waitUntil("every unsuppressed alert reaches the webhook") {
            notifiable.isSubset(of: Self.notified(webhook))
        }
        #expect(Self.notified(webhook).isDisjoint(with: Self.suppressed), "a killed agent's alert was sent")

        // The crasher's AgentDegraded may fire while its ladder restarts it (the state is the rule's wait), held.
        let fired = Set(timeline.firstFiring.keys).subtracting([AlertKey("AgentDegraded", "demo-crasher")])
        #expect(fired == Self.expectedFiring, "demo output:\n\(run.output)")
        for agent in Self.quietAgents {
            #expect(
                !timeline.seen.contains { $0.agent == agent && $0.alertname != "AgentStuck" },
                "\(agent) had an alert: \(timeline.seen)")
        }
        #expect(try await run.state(of: "demo-rogue") == "killed")
        #expect(try await run.state(of: "demo-vanisher") == "unreachable")
        // The crasher died the same way, but its recovery ladder restarted it before anyone was paged.
        let crasher = try await run.http.get("/api/v1/agents/demo-crasher").data.objectValue
        #expect(crasher?["state"]?.stringValue == "healthy")
        #expect(crasher?["recovery_run"]?.objectValue?["outcome"]?.stringValue == "recovered by restart")
        #expect(crasher?["metrics"]?.objectValue?["restarts_total"]?.numberValue == 1, "a new run_id: a restart")
        #expect(!Self.notified(webhook).contains { $0.agent == "demo-crasher" }, "the crasher's alert was sent")
        #expect(!webhook.requests.contains { String(decoding: $0.body, as: UTF8.self).contains("demo-crasher") })
        #expect(run.output.contains("demo-crasher: restarted by its supervisor"))
        #expect(run.output.contains("operator: kills demo-rogue"))

        #expect(await run.interruptDemo() == 0)
        for worker in ["demo-worker-1", "demo-worker-2", "demo-worker-3", "demo-spender"] {
            #expect(try await run.state(of: worker) == "stopped", "the demo deregisters live agents when it ends")
        }
        #expect(try await run.state(of: "demo-rogue") == "killed")
    }

    /// The alerts the webhook listener received as firing.
    static func notified(_ webhook: LocalHTTPServer) -> Set<AlertKey> {
        var keys: Set<AlertKey> = []
        for request in webhook.requests {
            for alert in (try? JSONParser.parse(request.body))?.objectValue?["alerts"]?.arrayValue ?? [] {
                let object = alert.objectValue, labels = object?["labels"]?.objectValue
                guard object?["status"]?.stringValue == "firing", let name = labels?["alertname"]?.stringValue
                else { continue }
                keys.insert(AlertKey(name, labels?["agent"]?.stringValue ?? ""))
            }
        }
        return keys
    }

    /// Every alert of the shipped rules has a compressed copy for the demo, and the demo makes it fire.
    @Test func everyShippedAlertIsCoveredByTheDemo() throws {
        let shipped = try ruleNames(in: "rules")
        let compressed = try ruleNames(in: "examples/demo/rules")
        #expect(shipped == compressed)
        let alerts = Set(shipped.filter { $0.hasPrefix("alert:") }.map { String($0.dropFirst("alert:".count)) })
        #expect(alerts == Set(Self.expectedFiring.map(\.alertname)))
    }

    @Test func theDemoExplainsWhatIsWrongBeforeItStarts() async throws {
        let down = try await ExternalTool.run(
            ExporterProcess.binary, ["demo", "--url", "http://127.0.0.1:1", "--duration", "5s"])
        #expect(down.status == 1)
        #expect(down.stderr == "error: cannot reach the exporter at http://127.0.0.1:1; start it first (see --help)\n")
        let badDuration = try await ExternalTool.run(ExporterProcess.binary, ["demo", "--duration", "soon"])
        #expect(badDuration.status == 64)
        #expect(
            badDuration.stderr.contains(
                #"--duration: must be a Prometheus duration above 0, such as 90s or 5m; got "soon""#))
    }

    @Test func theExampleConfigurationsAreValid() async throws {
        let root = TestPaths.packageRoot.appendingPathComponent("examples").path
        let prometheus = try await ExternalTool.run("promtool", ["check", "config", root + "/prometheus.yml"])
        #expect(prometheus.status == 0, "\(prometheus.stdout)\(prometheus.stderr)")
        let alertmanager = try await ExternalTool.run("amtool", ["check-config", root + "/alertmanager.yml"])
        #expect(alertmanager.status == 0, "\(alertmanager.stdout)\(alertmanager.stderr)")
        let exporter = try await ExternalTool.run(
            ExporterProcess.binary, ["config", "check", root + "/demo/heartbeat-exporter.yml"])
        #expect(exporter.status == 0, "\(exporter.stdout)\(exporter.stderr)")
    }

    /// `alert:NAME` and `record:NAME` for each rule in the `.yml` files of `folder`, sorted.
    private func ruleNames(in folder: String) throws -> [String] {
        let path = TestPaths.packageRoot.appendingPathComponent(folder).path
        var names: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: path) where file.hasSuffix(".yml") {
            let text = try String(contentsOfFile: path + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                for kind in ["alert", "record"] where trimmed.hasPrefix("- \(kind): ") {
                    names.append(kind + ":" + trimmed.dropFirst("- \(kind): ".count))
                }
            }
        }
        return names.sorted()
    }
}
