import Model
import PromQL

/// Checks rule definitions as Prometheus' `rulefmt` does (same checks, same order, same words), plus
/// this engine's own limit: a selector pinned to a fixed `@` time (see ``RuleExpressionLimits``).
struct RuleFileValidator {
    let file: String

    func validate(_ groups: [RuleGroupDefinition]) -> [RuleFileError] {
        var errors: [RuleFileError] = []
        var seen: Set<String> = []
        for group in groups {
            let position = [group.name.position]
            if group.name.text.isEmpty {
                errors.append(RuleFileError(file: file, positions: position, message: "Groupname must not be empty"))
            }
            if seen.contains(group.name.text) {
                errors.append(
                    RuleFileError(
                        file: file, positions: position,
                        message: "groupname: \"\(group.name.text)\" is repeated in the same file"))
            }
            seen.insert(group.name.text)
            for (index, rule) in group.rules.enumerated() {
                for (positions, message) in problems(of: rule) {
                    errors.append(
                        RuleFileError(
                            file: file, group: group.name.text, ruleIndex: index + 1,
                            ruleName: rule.name, positions: positions, message: message))
                }
            }
        }
        return errors
    }

    /// Problems of one rule: where (zero, one or two positions) and what.
    func problems(of rule: RuleDefinition) -> [([SourcePosition], String)] {
        var problems: [([SourcePosition], String)] = []
        let isRecord = !rule.record.text.isEmpty
        if isRecord, !rule.alert.text.isEmpty {
            problems.append(
                ([rule.record.position, rule.alert.position], "only one of 'record' and 'alert' must be set"))
        }
        if !isRecord, rule.alert.text.isEmpty {
            problems.append(([rule.record.position], "one of 'record' or 'alert' must be set"))
        }
        if let problem = expressionProblem(rule.expr) { problems.append(([rule.expr.position], problem)) }
        if isRecord { problems += recordingProblems(rule).map { ([rule.record.position], $0) } }
        for (name, value) in rule.labels.sorted(by: { $0.name < $1.name }) {
            if !isValidLabelName(name) || name == metricNameLabel {
                problems.append(([], "invalid label name: \(name)"))
            }
            if !value.unicodeScalars.allSatisfy({ $0 != "\u{FFFD}" }) {
                problems.append(([], "invalid label value: \(value)"))
            }
        }
        for (name, _) in rule.annotations.sorted(by: { $0.name < $1.name }) where !isValidLabelName(name) {
            problems.append(([], "invalid annotation name: \(name)"))
        }
        if !isRecord, !rule.alert.text.isEmpty { problems += templateProblems(rule).map { ([], $0) } }
        return problems
    }

    private func expressionProblem(_ expr: PositionedText) -> String? {
        guard !expr.text.isEmpty else { return "field 'expr' must be set in rule" }
        let parsed: Expr
        do {
            parsed = try Parser.parse(expr.text)
        } catch {
            return "could not parse expression: \(error)"
        }
        return RuleExpressionLimits.problem(parsed)
    }

    private func recordingProblems(_ rule: RuleDefinition) -> [String] {
        var problems: [String] = []
        if !rule.annotations.isEmpty { problems.append("invalid field 'annotations' in recording rule") }
        if rule.holdDuration != .zero { problems.append("invalid field 'for' in recording rule") }
        if rule.keepFiringFor != .zero { problems.append("invalid field 'keep_firing_for' in recording rule") }
        if !isValidMetricName(rule.record.text) { problems.append("invalid recording rule name: \(rule.record.text)") }
        return problems
    }

    private func templateProblems(_ rule: RuleDefinition) -> [String] {
        let name = "__alert_" + rule.alert.text
        var problems: [String] = []
        for (label, text) in rule.labels.sorted(by: { $0.name < $1.name }) {
            do { _ = try Template(parsing: text, name: name) } catch {
                problems.append("label \(GoFormat.quote(label)): \(error)")
            }
        }
        for (annotation, text) in rule.annotations.sorted(by: { $0.name < $1.name }) {
            do { _ = try Template(parsing: text, name: name) } catch {
                problems.append("annotation \(GoFormat.quote(annotation)): \(error)")
            }
        }
        return problems
    }
}

/// Whether `name` is a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
func isValidMetricName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
    return name.unicodeScalars.allSatisfy {
        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ":")
    }
}
