import Foundation
import JSON

/// A Grafana dashboard file (grafana/dashboards/*.json) read as plain JSON: its panels, their queries, and its
/// template variables, with what the tests need to run the queries against a real Prometheus.
struct GrafanaDashboard {
    /// One query of one panel.
    struct Target: CustomStringConvertible {
        var panelID: Int
        var panelTitle: String
        var refID: String
        var expression: String
        /// Grafana runs it as an instant query (tables, stats) rather than over the time range.
        var instant: Bool
        /// The panel's and the target's `datasource` objects.
        var datasources: [JSONValue]

        var description: String { "panel \(panelID) \"\(panelTitle)\" query \(refID)" }
    }

    /// One template variable: its name, type and (for `query` variables) its PromQL-ish query.
    struct Variable {
        var name: String
        var type: String
        var query: String?
        var object: JSONObject
    }

    let file: String
    let root: JSONObject

    init(path: String) throws {
        file = URL(fileURLWithPath: path).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else { throw TestFailure("cannot read \(path)") }
        guard let object = try JSONParser.parse(Array(data)).objectValue else {
            throw TestFailure("\(file): the top level is not a JSON object")
        }
        root = object
    }

    /// Every panel, the panels inside rows included.
    var panels: [JSONObject] {
        (root["panels"]?.arrayValue ?? []).compactMap(\.objectValue).flatMap { panel in
            [panel] + (panel["panels"]?.arrayValue ?? []).compactMap(\.objectValue)
        }
    }

    var targets: [Target] {
        panels.flatMap { panel -> [Target] in
            let id = Int(panel["id"]?.numberValue ?? -1), title = panel["title"]?.stringValue ?? ""
            return (panel["targets"]?.arrayValue ?? []).compactMap(\.objectValue).map { target in
                Target(
                    panelID: id, panelTitle: title, refID: target["refId"]?.stringValue ?? "?",
                    expression: target["expr"]?.stringValue ?? "",
                    instant: target["instant"]?.boolValue == true && target["range"]?.boolValue != true,
                    datasources: [panel["datasource"] ?? .null, target["datasource"] ?? .null])
            }
        }
    }

    var variables: [Variable] {
        (root["templating"]?.objectValue?["list"]?.arrayValue ?? []).compactMap(\.objectValue).map { object in
            let query = object["query"]?.stringValue ?? object["query"]?.objectValue?["query"]?.stringValue
            return Variable(
                name: object["name"]?.stringValue ?? "", type: object["type"]?.stringValue ?? "",
                query: query, object: object)
        }
    }

    /// `text` with every `$name`, `${name}` and `${name:format}` replaced from `values`.
    /// - Throws: when a variable is neither defined in `values` nor known, naming it.
    static func substitute(_ text: String, _ values: [String: String]) throws -> String {
        var result = text
        for match in text.matches(of: /\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z]+)?\}?/).reversed() {
            let name = String(match.output.1)
            guard let value = values[name] else { throw TestFailure("unknown variable $\(name) in \(text)") }
            result.replaceSubrange(match.range, with: value)
        }
        return result
    }

    /// The metric names a PromQL expression selects: identifiers that are not functions, aggregations,
    /// keywords, label names, strings, durations or numbers.
    static func metricNames(in expression: String) -> Set<String> {
        var text = expression
        text.replace(/"(?:[^"\\]|\\.)*"/, with: "\"\"")
        text.replace(/\{[^}]*\}/, with: "{}")
        text.replace(/\[[^\]]*\]/, with: "[]")
        text.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/, with: " ")
        let keywords: Set<String> = [
            "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "Inf", "NaN",
        ]
        var names: Set<String> = []
        // Numbers and durations (`0.95`, `5m`, `1e3`) are matched first so that their letters are not names.
        for match in text.matches(of: /[0-9][0-9A-Za-z_.:]*|([A-Za-z_:][A-Za-z0-9_:]*)(\s*\(?)/) {
            guard let name = match.output.1.map(String.init), match.output.2?.hasSuffix("(") != true,
                !keywords.contains(name)
            else { continue }
            names.insert(name)
        }
        return names
    }
}
