import Model
import PromQL
import RuleManager

/// A query reading a series further back than the exporter keeps it: the history holds only what the loaded rules
/// read, each series only as far back as they read it, and the live fleet only its present values.
struct HistoryReach: Error {
    /// The selector's metric name (empty for a selector without one).
    let metric: String
    /// The earliest time the query reads it from.
    let reads: Timestamp
    /// The earliest time the exporter has it from.
    let kept: Timestamp
    /// How far back the history keeps it; zero when only the live value exists.
    let window: PrometheusDuration

    var message: String {
        let name = metric.isEmpty ? "a selector without a metric name" : metric
        let keeps =
            window.milliseconds > 0
            ? "keeps \(name) back to \(kept.rfc3339) only (\(window): as far back as the loaded rules read it)"
            : "has only the live value of \(name) at \(kept.rfc3339) (no loaded rule reads it)"
        return "the query reads \(name) back to \(reads.rfc3339), but the exporter \(keeps);"
            + " query a shorter range or a later time, or load a rule that reads it as far back"
    }

    /// Throws for the first selector of `expr`, evaluated from `start` on, that reads before `view` has its series.
    ///
    /// A series the history keeps is there as far back as the rules read it; one it does not keep has only its
    /// live sample. A range selector needs its whole range; an instant selector needs a sample at or shortly
    /// before each time it is evaluated at (the history has one every evaluation interval), not its whole
    /// lookback.
    static func check(
        _ expr: Expr, from start: Timestamp, over view: FleetQueryView, lookbackDelta: PrometheusDuration
    ) throws(HistoryReach) {
        let ranged = rangeSelectors(expr)
        for reach in expr.selectorReaches(lookbackDelta: lookbackDelta) {
            let metric = reach.matchers.first { $0.name == metricNameLabel && $0.type == .equal }?.value ?? ""
            let window = view.keptWindow(forName: metric) ?? .zero
            let kept = view.now - window
            let base = reach.fixedTime.map { Timestamp(milliseconds: $0) } ?? start
            let reads = base - reach.history + (ranged.contains(reach.matchers) ? .zero : lookbackDelta)
            if reads < kept {
                throw HistoryReach(metric: metric, reads: reads, kept: kept, window: window)
            }
        }
    }

    /// The matchers of the range selectors (`x[5m]`).
    private static func rangeSelectors(_ expr: Expr) -> [[LabelMatcher]] {
        switch expr {
        case .matrixSelector(let matrix): [matrix.selector.matchers]
        default: expr.children.flatMap(rangeSelectors)
        }
    }
}
