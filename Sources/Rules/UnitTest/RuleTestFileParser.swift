import Model
import Yams

/// Reads a `promtool test rules` file strictly, as promtool's `yaml.UnmarshalStrict` does.
struct RuleTestFileParser {
    private var problems: [String] = []
    private var fatal: String?

    /// Parses `text`.
    /// - Throws: ``RuleTestFailure`` with promtool's message.
    mutating func parse(_ text: String) throws(RuleTestFailure) -> RuleTestFile {
        var file = RuleTestFile()
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw RuleTestFailure("yaml: \(error)") }
        guard let root else { return file }
        for (key, value) in fields(
            root, "main.unitTestFile", ["rule_files", "evaluation_interval", "group_eval_order", "tests"])
        {
            switch key {
            case "rule_files": file.ruleFiles = strings(value)
            case "evaluation_interval":
                // promtool treats a missing or zero interval as 1m.
                file.evaluationInterval = duration(value).flatMap { $0 > .zero ? $0 : nil } ?? file.evaluationInterval
            case "group_eval_order": file.groupEvalOrder = strings(value)
            default: file.tests = (value.sequence.map(Array.init) ?? []).map { testGroup($0) }
            }
        }
        if let fatal { throw RuleTestFailure(fatal) }
        if !problems.isEmpty {
            throw RuleTestFailure("yaml: unmarshal errors:\n" + problems.map { "  " + $0 }.joined(separator: "\n"))
        }
        return file
    }

    private mutating func testGroup(_ node: Node) -> RuleTestGroup {
        var group = RuleTestGroup()
        let allowed: Set = [
            "name", "interval", "input_series", "alert_rule_test", "promql_expr_test", "external_labels",
            "external_url",
        ]
        for (key, value) in fields(node, "main.testGroup", allowed) {
            switch key {
            case "name": group.name = value.string ?? ""
            case "interval": group.interval = duration(value)
            case "input_series": group.inputSeries = items(value).map { series($0) }
            case "alert_rule_test": group.alertTests = items(value).map { alertTest($0) }
            case "promql_expr_test": group.promqlTests = items(value).map { promqlTest($0) }
            case "external_labels": group.externalLabels = stringMap(value)
            default: group.externalURL = value.string ?? ""
            }
        }
        return group
    }

    private mutating func series(_ node: Node) -> (series: String, values: String) {
        var result = (series: "", values: "")
        for (key, value) in fields(node, "main.series", ["series", "values"]) {
            if key == "series" { result.series = value.string ?? "" } else { result.values = value.string ?? "" }
        }
        return result
    }

    private mutating func alertTest(_ node: Node) -> AlertTestCase {
        var test = AlertTestCase()
        for (key, value) in fields(node, "main.alertTestCase", ["eval_time", "alertname", "exp_alerts"]) {
            switch key {
            case "eval_time": test.evalTime = duration(value) ?? .zero
            case "alertname": test.alertname = value.string ?? ""
            default:
                test.expectedAlerts = items(value).map { alert in
                    var expected = (labels: [String: String](), annotations: [String: String]())
                    for (key, value) in fields(alert, "main.alert", ["exp_labels", "exp_annotations"]) {
                        if key == "exp_labels" {
                            expected.labels = stringMap(value)
                        } else {
                            expected.annotations = stringMap(value)
                        }
                    }
                    return expected
                }
            }
        }
        return test
    }

    private mutating func promqlTest(_ node: Node) -> PromQLTestCase {
        var test = PromQLTestCase()
        for (key, value) in fields(node, "main.promqlTestCase", ["expr", "eval_time", "exp_samples"]) {
            switch key {
            case "expr": test.expr = value.string ?? ""
            case "eval_time": test.evalTime = duration(value) ?? .zero
            default:
                test.expectedSamples = items(value).map { sample in
                    var expected = (labels: "", value: 0.0)
                    for (key, value) in fields(sample, "main.sample", ["labels", "value"]) {
                        if key == "labels" {
                            expected.labels = value.string ?? ""
                        } else {
                            expected.value = number(value)
                        }
                    }
                    return expected
                }
            }
        }
        return test
    }

    // MARK: - Node helpers

    private mutating func fields(_ node: Node, _ type: String, _ allowed: Set<String>) -> [(String, Node)] {
        guard let mapping = node.mapping else { return [] }
        var result: [(String, Node)] = []
        for (key, value) in mapping {
            let name = key.string ?? ""
            if allowed.contains(name) {
                result.append((name, value))
            } else {
                problems.append("line \(key.mark?.line ?? 0): field \(name) not found in type \(type)")
            }
        }
        return result
    }

    private func items(_ node: Node) -> [Node] { node.sequence.map(Array.init) ?? [] }

    private func strings(_ node: Node) -> [String] { items(node).compactMap(\.string) }

    private func stringMap(_ node: Node) -> [String: String] {
        guard let mapping = node.mapping else { return [:] }
        return Dictionary(mapping.map { ($0.key.string ?? "", $0.value.string ?? "") }, uniquingKeysWith: { $1 })
    }

    private mutating func number(_ node: Node) -> Double {
        let text = node.string ?? ""
        if let value = parseSeriesNumber(text) { return value }
        problems.append("line \(node.mark?.line ?? 0): cannot unmarshal !!str `\(text)` into float64")
        return 0
    }

    /// A YAML float as yaml.v3 reads it: decimal or exponent notation, `.inf`, `-.inf`, `.nan` (not `NaN`).
    private func parseSeriesNumber(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default:
            guard !text.contains(where: { $0.isLetter && $0 != "e" && $0 != "E" }) else { return nil }
            return Double(text)
        }
    }

    private mutating func duration(_ node: Node) -> PrometheusDuration? {
        guard let text = node.string else { return nil }
        var problem = PrometheusDuration.ParseError(text: text)
        do {
            return try PrometheusDuration(parsing: text)
        } catch {
            problem = error
        }
        if fatal == nil { fatal = problem.description }
        return nil
    }
}

/// A failure of a `rules test` file, printed as promtool prints it.
public struct RuleTestFailure: Error, Sendable, CustomStringConvertible {
    /// The message (possibly several lines).
    public var message: String

    init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
