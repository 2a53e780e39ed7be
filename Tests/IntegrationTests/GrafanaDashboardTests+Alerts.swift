import Foundation
import Testing
import TestSupport

extension GrafanaDashboardTests {
    /// A small fleet whose only firing alerts are `Watchdog` and one silenced alert: the fleet dashboard's
    /// "Alerts needing a person" reads 0 in a real Prometheus; one more agent's alert, not silenced, makes it 1.
    @Test(.timeLimit(.minutes(2)))
    func alertsNeedingAPersonLeaveOutWatchdogAndSuppressedAlerts() async throws {
        let exporter = try await Self.exporterWithAlertRules("dashboard-alerts")
        let http = HTTPTestClient(baseURL: exporter.baseURL)
        let silence = """
            {"matchers":[{"name":"agent","value":"hushed","isRegex":false,"isEqual":true}],
             "startsAt":"2020-01-01T00:00:00Z","endsAt":"2100-01-01T00:00:00Z","createdBy":"ops","comment":"migration"}
            """
        #expect(try await http.post("/api/v2/silences", silence).status == 200)
        #expect(try await http.post("/api/v1/heartbeat", HTTPTestClient.beat("hushed")).status == 202)
        let prometheus = try PrometheusProcess(scrapeTarget: "127.0.0.1:\(exporter.port)")
        try await prometheus.waitUntilReady()

        let dashboard = try GrafanaDashboard(path: Self.grafana + "/dashboards/fleet-overview.json")
        let panel = try #require(dashboard.targets.first { $0.panelTitle == "Alerts needing a person" })
        let query = try GrafanaDashboard.substitute(panel.expression, ["job": "heartbeat-exporter"])
        _ = try await prometheus.waitForQuery(
            #"heartbeat_exporter_firing_alerts{agent="hushed",alertname="AgentSeen",state="suppressed"} == 1"#
        ) { !$0.isEmpty }
        _ = try await prometheus.waitForQuery(
            #"heartbeat_exporter_firing_alerts{alertname="Watchdog",state="active"} == 1"#
        ) { !$0.isEmpty }
        let quiet = try await prometheus.waitForQuery(query) { $0.count == 1 }
        #expect(quiet.first?.value == "0", "Watchdog and a silenced alert need no one")

        #expect(try await http.post("/api/v1/heartbeat", HTTPTestClient.beat("loud")).status == 202)
        let loud = try await prometheus.waitForQuery(query) { $0.first?.value == "1" }
        #expect(loud.count == 1)
    }

    /// Two nodes of a cluster expose the same fleet, differing only in `instance`: the fleet dashboard counts each
    /// agent and alert once. Prometheus scrapes one exporter under two names, as it would scrape two nodes.
    @Test(.timeLimit(.minutes(2)))
    func aFleetScrapedFromTwoNodesIsCountedOnce() async throws {
        let exporter = try await Self.exporterWithAlertRules("dashboard-nodes")
        let http = HTTPTestClient(baseURL: exporter.baseURL)
        for agent in ["a", "b", "c"] {
            #expect(try await http.post("/api/v1/heartbeat", HTTPTestClient.beat(agent)).status == 202)
        }
        let prometheus = try PrometheusProcess(scrapeTarget: "127.0.0.1:\(exporter.port),localhost:\(exporter.port)")
        try await prometheus.waitUntilReady()
        _ = try await prometheus.waitForQuery(#"count(up == 1) == 2"#) { !$0.isEmpty }
        let active = #"sum(heartbeat_exporter_firing_alerts{alertname="AgentSeen",state="active"}) == 6"#
        _ = try await prometheus.waitForQuery(active) { !$0.isEmpty }

        let dashboard = try GrafanaDashboard(path: Self.grafana + "/dashboards/fleet-overview.json")
        for title in ["Healthy", "Alerts needing a person"] {
            let panel = try #require(dashboard.targets.first { $0.panelTitle == title })
            let query = try GrafanaDashboard.substitute(
                panel.expression, ["job": "heartbeat-exporter", "agent_type": ".*"])
            let result = try await prometheus.waitForQuery(query) { $0.count == 1 }
            #expect(result.first?.value == "3", "\(title): three agents, each seen by two nodes")
        }
    }

    /// An exporter evaluating ``alertRules`` every 250 ms, its files in a new temporary folder named after `name`.
    static func exporterWithAlertRules(_ name: String) async throws -> ExporterProcess {
        let directory = TestPaths.temporaryDirectory(name)
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try alertRules.write(toFile: directory + "/rules/alerts.yml", atomically: true, encoding: .utf8)
        try "global: {evaluation_interval: 250ms}\n".write(
            toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        return try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
    }

    /// Watchdog, and an alert for every agent that beats.
    static let alertRules = """
        groups:
          - name: dashboard-alerts
            interval: 250ms
            rules:
              - alert: Watchdog
                expr: vector(1)
              - alert: AgentSeen
                expr: agent_up == 1
        """
}
