import Foundation
import Testing
import TestSupport

/// The status panels that a Grafana Prometheus data source pointed at the exporter itself answers (its query API:
/// the live fleet, and the history its rules keep): grafana/README.md lists the same panels.
extension GrafanaDashboardTests {
    /// The panels (id: title), by dashboard file, whose every query the exporter answers with the demo's rules:
    /// instant queries of the fleet's series, and a rate over the 5 minutes of cost the rules keep. (The fleet
    /// table "Agents" also needs 5 minutes of `agent_tasks_total`, which the shipped rules keep and the demo's
    /// shortened ones do not.)
    static let panelsTheExporterAnswers: [String: [Int: String]] = [
        "fleet-overview.json": [1: "Healthy", 2: "Degraded", 3: "Unreachable", 4: "Killed", 5: "Stopped", 30: "Jobs"],
        "agent-detail.json": [
            1: "State", 2: "Last heartbeat", 3: "Task progress", 4: "Queue depth", 5: "Cost per hour", 16: "Identity",
        ],
    ]

    /// The variables as Grafana sets them against the exporter: its series have no `job`, so Job is "All" (`.*`).
    static let exporterSelection = (
        name: "job All, agent demo-flaky of type worker",
        values: ["job": ".*", "agent_type": "worker", "agent": "demo-flaky"]
    )

    @Test(.timeLimit(.minutes(3)))
    func theStatusPanelsNeedingNoLongHistoryGetDataFromTheExportersQueryAPI() async throws {
        let webhook = try LocalHTTPServer()
        defer { webhook.stop() }
        let demo = try await DemoRun(webhook: webhook.url)
        let dashboards = try Self.files.map { try GrafanaDashboard(path: Self.grafana + "/dashboards/" + $0) }
        let queries = try dashboards.flatMap { dashboard in
            let panels = Self.panelsTheExporterAnswers[dashboard.file] ?? [:]
            let targets = dashboard.targets.filter { panels[$0.panelID] != nil }
            #expect(targets.allSatisfy { panels[$0.panelID] == $0.panelTitle }, "\(dashboard.file): panels renamed?")
            #expect(Set(targets.map(\.panelID)) == Set(panels.keys), "\(dashboard.file): panels gone?")
            #expect(targets.allSatisfy { $0.instant }, "\(dashboard.file): a listed panel runs over a time range")
            return try queriesOf(dashboard, Self.exporterSelection).filter { query in
                targets.contains { query.label.hasPrefix("\(dashboard.file) \($0)") }
            }
        }
        let outcome = try await runUntilAllReturnData(
            queries, client: demo.http, deadline: Date().addingTimeInterval(90))
        #expect(outcome.errors.isEmpty, "queries the exporter refused:\n\(outcome.errors.joined(separator: "\n"))")
        #expect(outcome.empty.isEmpty, "queries still without data:\n\(outcome.empty.joined(separator: "\n"))")
        #expect(await demo.interruptDemo() == 0)
    }
}
