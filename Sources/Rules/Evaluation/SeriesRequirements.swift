import Model
import PromQL

/// One selector a rule reads, and how far back from the evaluation time it reads.
///
/// The server keeps history only for series matching some requirement, and only `history` of it: a store
/// that keeps that much answers every rule exactly as a full TSDB would.
public struct SeriesRequirement: Sendable {
    /// The selector's matchers (the metric name is an `__name__` equality matcher among them).
    public var matchers: [LabelMatcher]
    /// How much history before the evaluation time the selector reads: range + offset, plus the lookback
    /// delta for instant selectors.
    public var history: PrometheusDuration

    /// Whether the requirement covers a series with `labels`.
    public func matches(_ labels: Labels) -> Bool { matchers.allSatisfy { $0.matches(labels) } }
}

extension RuleGroup {
    /// What the group's rules read (one entry per selector), including the `ALERTS` / recording-rule series
    /// they may read back.
    /// - Parameter lookbackDelta: the instant-selector lookback (Prometheus: 5 minutes).
    public func seriesRequirements(lookbackDelta: PrometheusDuration = .minutes(5)) -> [SeriesRequirement] {
        rules.flatMap { rule -> [SeriesRequirement] in
            let expression: Expr =
                switch rule {
                case .alerting(let alerting): alerting.expression
                case .recording(let recording): recording.expression
                }
            var requirements: [SeriesRequirement] = []
            collectRequirements(expression, lookbackDelta: lookbackDelta, into: &requirements)
            return requirements
        }
    }
}

/// Walks `expr` and appends a requirement for every selector in it.
func collectRequirements(
    _ expr: Expr, lookbackDelta: PrometheusDuration, into requirements: inout [SeriesRequirement]
) {
    switch expr {
    case .number, .string: break
    case .vectorSelector(let selector):
        requirements.append(SeriesRequirement(matchers: selector.matchers, history: selector.offset + lookbackDelta))
    case .matrixSelector(let matrix):
        requirements.append(
            SeriesRequirement(
                matchers: matrix.selector.matchers, history: matrix.selector.offset + matrix.rangeDuration))
    case .paren(let node): collectRequirements(node.expr, lookbackDelta: lookbackDelta, into: &requirements)
    case .unary(let node): collectRequirements(node.expr, lookbackDelta: lookbackDelta, into: &requirements)
    case .binary(let node):
        collectRequirements(node.lhs, lookbackDelta: lookbackDelta, into: &requirements)
        collectRequirements(node.rhs, lookbackDelta: lookbackDelta, into: &requirements)
    case .call(let node):
        for argument in node.args { collectRequirements(argument, lookbackDelta: lookbackDelta, into: &requirements) }
    case .aggregate(let node):
        collectRequirements(node.expr, lookbackDelta: lookbackDelta, into: &requirements)
        if let parameter = node.param {
            collectRequirements(parameter, lookbackDelta: lookbackDelta, into: &requirements)
        }
    }
}
