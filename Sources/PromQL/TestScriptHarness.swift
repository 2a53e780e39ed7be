import Model

/// One run of an `eval` by Prometheus' test harness: an expression and the time to evaluate it at.
struct HarnessRun {
    var expr: Expr
    var time: Int64
}

/// The functions whose result depends on the evaluation time even when their arguments are pinned with `@`
/// (Prometheus 2.42's `AtModifierUnsafeFunctions`).
let atModifierUnsafeFunctions: Set<String> = [
    "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year",
    "predict_linear", "time", "timestamp",
]

/// The runs Prometheus 2.42's harness (`promql/test.go`, `atModifierTestCases`) makes of an `eval` at `time`
/// (ms): the expression itself, then — unless a function outside subqueries depends on the evaluation time —
/// the expression with `@ time` on every selector and subquery outside subqueries that has no `@` time yet
/// (`@ start()` and `@ end()` are replaced, as the harness's printing of its parsed tree does),
/// evaluated at -10×, 0, ⅕, 1 and 10× the time (at -1s, 0 and 1s when the time is 0).
func harnessRuns(_ expr: Expr, at time: Int64) -> [HarnessRun] {
    var runs = [HarnessRun(expr: expr, time: time)]
    guard !usesAtModifierUnsafeFunction(expr) else { return runs }
    let pinned = pinningSelectors(expr, to: time)
    // Go multiplies int64s with wrap-around, and so does this.
    let times: [Int64] = time == 0 ? [-1000, 0, 1000] : [-10 &* time, 0, time / 5, time, 10 &* time]
    runs += times.map { HarnessRun(expr: pinned, time: $0) }
    return runs
}

/// Whether a call outside every subquery is one of ``atModifierUnsafeFunctions``.
private func usesAtModifierUnsafeFunction(_ expr: Expr) -> Bool {
    switch expr {
    case .subquery: false
    case .call(let call) where atModifierUnsafeFunctions.contains(call.function.name): true
    default: expr.children.contains(where: usesAtModifierUnsafeFunction)
    }
}

/// `expr` with `@ time` on every selector and subquery outside subqueries that has no `@ <time>`.
private func pinningSelectors(_ expr: Expr, to time: Int64) -> Expr {
    func pin(_ child: Expr) -> Expr { pinningSelectors(child, to: time) }
    func pinned(_ at: AtModifier?) -> AtModifier {
        if case .timestamp = at, let at { return at }
        return .timestamp(time)
    }
    switch expr {
    case .number, .string: return expr
    case .vectorSelector(var node):
        node.at = pinned(node.at)
        return .vectorSelector(node)
    case .matrixSelector(var node):
        node.selector.at = pinned(node.selector.at)
        return .matrixSelector(node)
    case .subquery(var node):
        node.at = pinned(node.at)
        return .subquery(node)
    case .paren(var node):
        node.expr = pin(node.expr)
        return .paren(node)
    case .unary(var node):
        node.expr = pin(node.expr)
        return .unary(node)
    case .binary(var node):
        node.lhs = pin(node.lhs)
        node.rhs = pin(node.rhs)
        return .binary(node)
    case .call(var node):
        node.args = node.args.map(pin)
        return .call(node)
    case .aggregate(var node):
        node.expr = pin(node.expr)
        node.param = node.param.map(pin)
        return .aggregate(node)
    }
}
