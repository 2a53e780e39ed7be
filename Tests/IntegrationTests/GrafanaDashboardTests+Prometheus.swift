import Foundation
import JSON
import Testing

extension GrafanaDashboardTests {
    /// What became of the queries: refused by Prometheus (with its error), or never with data before the deadline.
    struct Outcome {
        var errors: [String] = []
        var empty: [String] = []
    }

    /// Runs every query once a second until each has returned data (or, for those allowed to be empty, run
    /// without error), or the deadline passes. A query Prometheus refuses is reported at once and not retried.
    func runUntilAllReturnData(_ queries: [Query], on prometheus: PrometheusProcess, deadline: Date) async throws
        -> Outcome
    {
        try await runUntilAllReturnData(queries, client: prometheus.client, deadline: deadline)
    }

    /// ``runUntilAllReturnData(_:on:deadline:)`` against any Prometheus-shaped query API (the exporter's too).
    func runUntilAllReturnData(_ queries: [Query], client: HTTPTestClient, deadline: Date) async throws -> Outcome {
        var outcome = Outcome()
        var waiting = queries
        while !waiting.isEmpty {
            var stillWaiting: [Query] = []
            for query in waiting {
                switch try await run(query, on: client) {
                case .failure(let message):
                    outcome.errors.append("\(query.label): \(query.expression)\n  -> \(message)")
                case .success(let count) where count > 0: continue
                case .success: stillWaiting.append(query)
                }
            }
            waiting = stillWaiting
            guard !waiting.isEmpty, Date() < deadline else { break }
            try await Task.sleep(for: .seconds(1))
        }
        outcome.empty = waiting.map { "\($0.label): \($0.expression)" }
        return outcome
    }

    /// The number of series the query returned, or Prometheus' error.
    private func run(_ query: Query, on client: HTTPTestClient) async throws -> Result<Int, QueryError> {
        let encoded = query.expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let now = Date().timeIntervalSince1970
        let path =
            query.instant
            ? "/api/v1/query?query=\(encoded)&time=\(now)"
            : "/api/v1/query_range?query=\(encoded)&start=\(now - 60)&end=\(now)&step=1"
        let reply = try await client.get(path)
        guard reply.status == 200, reply.json.objectValue?["status"]?.stringValue == "success" else {
            return .failure(QueryError(message: "\(reply.status) \(reply.errorMessage)"))
        }
        return .success(reply.data.objectValue?["result"]?.arrayValue?.count ?? 0)
    }

    struct QueryError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Every `label_values(selector, label)` variable, filled in as Grafana would, lists values, among them the
    /// value the selections use.
    func expectVariablesHaveValues(_ dashboards: [GrafanaDashboard], _ prometheus: PrometheusProcess) async throws {
        for dashboard in dashboards {
            for selection in Self.selections {
                for variable in dashboard.variables where variable.type == "query" {
                    let values = try await labelValues(variable, selection.values, prometheus)
                    let chosen = selection.values[variable.name] ?? ""
                    #expect(!values.isEmpty, "\(dashboard.file) variable \(variable.name) lists nothing")
                    #expect(
                        chosen == ".*" || values.contains(chosen),
                        "\(dashboard.file) variable \(variable.name) lists \(values), not \(chosen)")
                }
            }
        }
    }

    private func labelValues(
        _ variable: GrafanaDashboard.Variable, _ values: [String: String],
        _ prometheus: PrometheusProcess
    ) async throws -> [String] {
        let query = try GrafanaDashboard.substitute(variable.query ?? "", Self.builtins.merging(values) { $1 })
        guard let match = query.wholeMatch(of: /label_values\((.+),\s*([A-Za-z_][A-Za-z0-9_]*)\)/) else {
            throw TestFailure("variable \(variable.name): not label_values(selector, label): \(query)")
        }
        let selector = String(match.output.1).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let reply = try await prometheus.client.get("/api/v1/label/\(match.output.2)/values?match%5B%5D=\(selector)")
        return (reply.data.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// The series names /metrics exposes: every family, plus `_bucket`, `_sum` and `_count` of histograms and
    /// `_sum` and `_count` of summaries.
    static func exposedNames(_ exposition: String) -> Set<String> {
        var names: Set<String> = []
        for match in exposition.matches(of: /^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) (\w+)$/.anchorsMatchLineEndings()) {
            let name = String(match.output.1)
            names.insert(name)
            switch match.output.2 {
            case "histogram": names.formUnion([name + "_bucket", name + "_sum", name + "_count"])
            case "summary": names.formUnion([name + "_sum", name + "_count"])
            default: break
            }
        }
        return names
    }
}
