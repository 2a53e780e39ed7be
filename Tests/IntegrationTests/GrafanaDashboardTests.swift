import Foundation
import JSON
import Testing
import TestSupport

/// The Grafana dashboards in grafana/: well-formed for a current Grafana, and every query they hold runs against a
/// real Prometheus scraping the real exporter while the demo fleet beats, and returns data.
@Suite(.serialized)
struct GrafanaDashboardTests {
    static let grafana = TestPaths.packageRoot.appendingPathComponent("grafana").path
    static let files = ((try? FileManager.default.contentsOfDirectory(atPath: grafana + "/dashboards")) ?? [])
        .filter { $0.hasSuffix(".json") }.sorted()

    /// Series Prometheus records itself for every target, or computes from the rule files it loads.
    static let prometheusSeries: Set<String> = [
        "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_series_added",
        "scrape_samples_post_metric_relabeling", "ALERTS", "ALERTS_FOR_STATE",
    ]

    /// Grafana's built-in variables, as Grafana would fill them for a short time range.
    static let builtins = [
        "__rate_interval": "1m", "__interval": "5s", "__range": "5m", "__range_s": "300",
        "__range_ms": "300000",
    ]
    /// Two ways an operator sets the variables: one type and one agent, and "All" types (Grafana's allValue `.*`).
    static let selections: [(name: String, values: [String: String])] = [
        (
            "agent demo-flaky of type worker",
            ["job": "heartbeat-exporter", "agent_type": "worker", "agent": "demo-flaky"]
        ),
        (
            "all types, agent demo-restarter",
            ["job": "heartbeat-exporter", "agent_type": ".*", "agent": "demo-restarter"]
        ),
    ]

    /// The metric-name check below is only as good as this extraction.
    @Test(arguments: [
        (
            #"histogram_quantile(0.95, sum by (agent_type, le) (rate(x_bucket{job=~"a|b",agent_type=~".*"}[1m])))"#,
            ["x_bucket"]
        ),
        (#"sum(agent_health{state="healthy"}) or vector(0)"#, ["agent_health"]),
        (
            "rate(agent_cost_usd_total[5m] offset 1h) * 3600 > 1e3 and on (agent) agent_up == bool 1",
            ["agent_cost_usd_total", "agent_up"]
        ),
        (#"max by (alertname, alertstate) (ALERTS{agent="x.y"}) unless ignoring (le) up"#, ["ALERTS", "up"]),
        (
            "sort_desc(sum without (instance) (increase(heartbeat_exporter:rule:rate5m[$__range])))",
            ["heartbeat_exporter:rule:rate5m"]
        ),
    ])
    func metricNamesAreFoundInExpressions(expression: String, names: [String]) {
        #expect(GrafanaDashboard.metricNames(in: expression) == Set(names))
    }

    @Test func theFleetOverviewAndAgentDetailDashboardsAreThere() {
        #expect(Self.files == ["agent-detail.json", "fleet-overview.json"])
    }

    @Test(arguments: files)
    func dashboardIsWellFormedForACurrentGrafana(file: String) throws {
        let dashboard = try GrafanaDashboard(path: Self.grafana + "/dashboards/" + file)
        let root = dashboard.root
        #expect((root["schemaVersion"]?.numberValue ?? 0) >= 39)
        #expect(!(root["uid"]?.stringValue ?? "").isEmpty && !(root["title"]?.stringValue ?? "").isEmpty)
        let ids = dashboard.panels.map { Int($0["id"]?.numberValue ?? -1) }
        #expect(!ids.contains(-1) && Set(ids).count == ids.count, "panel ids must be present and unique: \(ids)")
        for panel in dashboard.panels {
            let grid = panel["gridPos"]?.objectValue
            let x = grid?["x"]?.numberValue ?? -1, width = grid?["w"]?.numberValue ?? 0
            #expect(x >= 0 && width > 0 && x + width <= 24, "\(panel["title"]?.stringValue ?? "") is off the grid")
        }
        #expect(!dashboard.targets.isEmpty)
        for target in dashboard.targets {
            #expect(!target.expression.isEmpty, "\(target) has no expression")
            #expect(target.datasources.allSatisfy { $0 == Self.datasourceVariable }, "\(target): not ${DS_PROMETHEUS}")
        }
        try expectVariablesUseTheDatasourceVariable(dashboard)
    }

    /// `{"type":"prometheus","uid":"${DS_PROMETHEUS}"}`, the only data source a panel, query or variable may name.
    static let datasourceVariable: JSONValue =
        .object(JSONObject([("type", .string("prometheus")), ("uid", .string("${DS_PROMETHEUS}"))]))

    private func expectVariablesUseTheDatasourceVariable(_ dashboard: GrafanaDashboard) throws {
        let variables = dashboard.variables
        let source = variables.first { $0.name == "DS_PROMETHEUS" }
        #expect(source?.type == "datasource" && source?.object["query"]?.stringValue == "prometheus")
        for variable in variables where variable.type == "query" {
            #expect(variable.object["datasource"] == Self.datasourceVariable, "variable \(variable.name): data source")
            #expect(variable.query?.hasPrefix("label_values(") == true, "\(variable.name): \(variable.query ?? "")")
        }
    }

    @Test func provisioningLoadsTheDashboardFolderAndTheReadmeSaysWhere() throws {
        func read(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: Self.grafana + "/" + path) else {
                throw TestFailure("grafana/\(path) is missing")
            }
            return String(decoding: data, as: UTF8.self)
        }
        let provider = try read("provisioning/dashboards/heartbeat.yml")
        let datasources = try read("provisioning/datasources/prometheus.yml")
        let readme = try read("README.md")
        #expect(provider.contains("apiVersion: 1") && provider.contains("type: file"))
        let path = provider.firstMatch(of: /path: (\S+)/).map { String($0.output.1) } ?? ""
        #expect(path.hasPrefix("/"), "the provider needs an absolute dashboards path")
        #expect(readme.contains(path), "grafana/README.md must say where the dashboards go (\(path))")
        #expect(datasources.contains("apiVersion: 1") && datasources.contains("type: prometheus"))
        #expect(readme.contains("/etc/grafana/provisioning"))
    }

    /// The two shapes of the task-duration histogram: per agent (the default) and per agent type.
    static let histogramModes = ["", "metrics: {per_agent_histograms: false}"]

    /// The demo fleet (`heartbeat-exporter demo` with `examples/demo/`) beats into the exporter; a real Prometheus
    /// scrapes it every second and evaluates the demo's rules, as `examples/prometheus.yml` does. Once with
    /// per-agent histograms, once with histograms per agent type.
    @Test(.timeLimit(.minutes(3)), arguments: histogramModes)
    func everyQueryRunsAndReturnsDataAgainstARealPrometheusWhileTheDemoFleetRuns(metrics: String) async throws {
        let webhook = try LocalHTTPServer()
        defer { webhook.stop() }
        let demo = try await DemoRun(webhook: webhook.url, extraConfiguration: metrics)
        let prometheus = try PrometheusProcess(
            scrapeTarget: "127.0.0.1:\(demo.exporter.port)",
            ruleFiles: [demo.directory + "/demo/rules/*.yml"])
        try await prometheus.waitUntilReady()
        let dashboards = try Self.files.map { try GrafanaDashboard(path: Self.grafana + "/dashboards/" + $0) }

        let queries = try dashboards.flatMap { dashboard in try Self.selections.flatMap { try queriesOf(dashboard, $0) }
        }
        let outcome = try await runUntilAllReturnData(queries, on: prometheus, deadline: Date().addingTimeInterval(90))
        #expect(outcome.errors.isEmpty, "queries that Prometheus refused:\n\(outcome.errors.joined(separator: "\n"))")
        #expect(outcome.empty.isEmpty, "queries still without data:\n\(outcome.empty.joined(separator: "\n"))")
        try await expectVariablesHaveValues(dashboards, prometheus)

        let exposed = Self.exposedNames(try await demo.http.get("/metrics").text)
        for query in queries {
            let unknown = GrafanaDashboard.metricNames(in: query.expression)
                .subtracting(exposed).subtracting(Self.prometheusSeries)
            #expect(unknown.isEmpty, "\(query.label) uses metrics the exporter does not expose: \(unknown.sorted())")
        }
        #expect(await demo.interruptDemo() == 0)
    }

    /// One query as Prometheus will run it.
    struct Query {
        var label: String
        var expression: String
        var instant: Bool
    }

    func queriesOf(_ dashboard: GrafanaDashboard, _ selection: (name: String, values: [String: String])) throws
        -> [Query]
    {
        let defined = Set(dashboard.variables.map(\.name))
        let values = Self.builtins.merging(selection.values.filter { defined.contains($0.key) }) { $1 }
        return try dashboard.targets.map { target in
            let expression = try GrafanaDashboard.substitute(target.expression, values)
            return Query(
                label: "\(dashboard.file) \(target) [\(selection.name)]", expression: expression,
                instant: target.instant)
        }
    }
}
