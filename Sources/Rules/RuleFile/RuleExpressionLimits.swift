import Model
import PromQL

/// What a rule's expression may not do in this exporter although PromQL allows it.
///
/// The rule engine keeps, for each series a rule reads, only the window behind each evaluation that the
/// expression reaches back (``Expr/selectorReaches(lookbackDelta:defaultSubqueryStep:)``: ranges, offsets,
/// subqueries' range and step). `@ start()` and `@ end()` are the evaluation time in a rule, so they fit that
/// window. A selector pinned to a fixed time (`x @ 1700000000`, or inside a subquery pinned so) reads samples
/// the window leaves behind as time passes, so such a rule is refused when it is loaded rather than silently
/// answering from an empty history.
enum RuleExpressionLimits {
    /// A message naming the construct and the reason, or nil when the history can answer the expression.
    static func problem(_ expr: Expr) -> String? {
        guard let pinned = expr.selectorReaches().first(where: { $0.fixedTime != nil }),
            let time = pinned.fixedTime
        else { return nil }
        let seconds = GoFloat.format(Double(time) / 1000, verb: "f", precision: 3)
        let selector = pinned.matchers.map { "\($0.name)\($0.type.rawValue)\(GoFormat.quote($0.value))" }
            .joined(separator: ", ")
        return "@ modifier with a fixed time (@ \(seconds), on the selector {\(selector)}) cannot be used in a rule: "
            + "the rule history keeps only the window each evaluation reads back from its own time, so samples at "
            + "a fixed time fall out of it; use @ start() or @ end() (the evaluation time in a rule) or no @"
    }
}
