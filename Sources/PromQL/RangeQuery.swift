import Model

extension Evaluator {
    /// Parses and evaluates `query` as a range query (see ``evaluateRange(_:start:end:step:)``).
    /// - Throws: ``ParseError`` or ``EvaluationError``.
    public func rangeQuery(_ query: String, start: Timestamp, end: Timestamp, step: PrometheusDuration) throws
        -> Matrix
    {
        try evaluateRange(Parser.parse(query), start: start, end: end, step: step)
    }

    /// Evaluates `expr` as a range query: at `start`, `start + step`, … up to `end`, as Prometheus'
    /// `/api/v1/query_range` does (`@ start()` and `@ end()` are `start` and `end`).
    ///
    /// - Returns: one series per label set seen at any step, sorted by labels, with a point for each step at
    ///   which it had a value; a scalar expression gives one series without labels.
    /// - Throws: ``EvaluationError`` for a step that is not positive, an end before the start, more than a
    ///   million steps, an expression that is not a scalar or instant vector, or any step failing.
    public func evaluateRange(_ expr: Expr, start: Timestamp, end: Timestamp, step: PrometheusDuration) throws
        -> Matrix
    {
        guard step.milliseconds > 0 else {
            throw EvaluationError("zero or negative query resolution step widths are not accepted")
        }
        guard end >= start else { throw EvaluationError("end timestamp must not be before start time") }
        guard expr.type == .scalar || expr.type == .vector else {
            throw EvaluationError(
                "invalid expression type \"\(expr.type.rawValue)\" for range query, must be Scalar or instant Vector")
        }
        let (first, last, width) = (start.milliseconds, end.milliseconds, step.milliseconds)
        let steps = (last &- first) / width + 1
        guard steps > 0 else { throw EvaluationError("the range from start to end is too long") }
        let budget = EvaluationBudget(timeout: timeout)
        try budget.spendSteps(steps, for: "a range query of \(steps) steps")
        var collector = SeriesCollector()
        for index in 0..<steps {
            try budget.checkDeadline()
            let time = first + index * width
            switch try context(at: time, start: first, end: last, budget: budget).eval(expr) {
            case .scalar(let value): try collector.append(.empty, time: time, value: value)
            case .vector(let vector):
                for sample in vector { try collector.append(sample.labels, time: time, value: sample.value) }
            default: break
            }
        }
        return collector.matrix
    }
}
