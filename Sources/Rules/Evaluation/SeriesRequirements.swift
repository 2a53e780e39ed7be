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
    /// delta for instant selectors, plus range + step + offset of each subquery around it. (A rule with a
    /// fixed `@` time does not load: see ``RuleExpressionLimits``.)
    public var history: PrometheusDuration

    /// Whether the requirement covers a series with `labels`.
    public func matches(_ labels: Labels) -> Bool { matchers.allSatisfy { $0.matches(labels) } }
}

extension RuleGroup {
    /// What the group's rules read (one entry per selector), including the `ALERTS` / recording-rule series
    /// they may read back.
    /// - Parameters:
    ///   - lookbackDelta: the instant-selector lookback (Prometheus: 5 minutes).
    ///   - defaultSubqueryStep: the step of subqueries written without one (see ``RuleEvaluationSettings``).
    public func seriesRequirements(
        lookbackDelta: PrometheusDuration = .minutes(5), defaultSubqueryStep: PrometheusDuration = .minutes(1)
    ) -> [SeriesRequirement] {
        rules.flatMap { rule -> [SeriesRequirement] in
            return rule.expression.selectorReaches(
                lookbackDelta: lookbackDelta, defaultSubqueryStep: defaultSubqueryStep
            )
            .map {
                SeriesRequirement(matchers: $0.matchers, history: $0.history)
            }
        }
    }
}
