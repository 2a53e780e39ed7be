import Model

/// Evaluates PromQL expressions over a ``Queryable``: instant queries (``evaluate(_:at:)``) and range queries
/// (``evaluateRange(_:start:end:step:)``), at any times the storage holds samples for.
///
/// An evaluator holds no state between calls; build one per storage snapshot and call it from any thread.
/// For rule evaluation call ``evaluate(_:at:)`` at the evaluation time; for an HTTP API, parse once with
/// ``Parser/parse(_:)`` and call ``evaluate(_:at:)`` (`/api/v1/query`) or ``evaluateRange(_:start:end:step:)``
/// (`/api/v1/query_range`).
public struct Evaluator: Sendable {
    /// Where series come from.
    public let storage: any Queryable
    /// How far back an instant vector selector looks for a sample (Prometheus: 5m).
    public let lookbackDelta: PrometheusDuration
    /// The step of a subquery written without one (`x[1h:]`); Prometheus uses the global evaluation interval
    /// (its test harness: 1m).
    public let defaultSubqueryStep: PrometheusDuration
    /// How long one query may run (Prometheus' `--query.timeout`, 2 minutes); checked at each step of range
    /// queries and subqueries.
    public let timeout: Duration

    /// Creates an evaluator.
    /// - Parameters:
    ///   - storage: the series to read.
    ///   - lookbackDelta: the instant-selector lookback (Prometheus' default: 5 minutes).
    ///   - defaultSubqueryStep: the step of subqueries that name none (must be positive; 1 minute if not).
    ///   - timeout: how long one query may run before it fails with `query timed out in expression evaluation`.
    public init(
        storage: any Queryable, lookbackDelta: PrometheusDuration = .minutes(5),
        defaultSubqueryStep: PrometheusDuration = .minutes(1), timeout: Duration = .seconds(120)
    ) {
        self.timeout = timeout
        self.storage = storage
        self.lookbackDelta = lookbackDelta
        self.defaultSubqueryStep = defaultSubqueryStep.milliseconds > 0 ? defaultSubqueryStep : .minutes(1)
    }

    /// Parses and evaluates `query` at `time`.
    /// - Throws: ``ParseError`` or ``EvaluationError``.
    public func query(_ query: String, at time: Timestamp) throws -> Value {
        try evaluate(Parser.parse(query), at: time)
    }

    /// Evaluates `expr` as an instant query at `time` (`@ start()` and `@ end()` are `time` too).
    /// - Returns: a scalar, string, instant vector or (for a range-vector expression) a matrix.
    /// - Throws: ``EvaluationError`` when Prometheus would fail the query.
    public func evaluate(_ expr: Expr, at time: Timestamp) throws -> Value {
        try context(
            at: time.milliseconds, start: time.milliseconds, end: time.milliseconds,
            budget: EvaluationBudget(timeout: timeout)
        )
        .eval(expr)
    }

    /// The context of one evaluation step at `time` of a query running from `start` to `end`.
    func context(at time: Int64, start: Int64, end: Int64, budget: EvaluationBudget) -> EvaluationContext {
        EvaluationContext(
            storage: storage, lookbackDelta: lookbackDelta.milliseconds, time: time, queryStart: start,
            queryEnd: end, defaultSubqueryStep: defaultSubqueryStep.milliseconds, budget: budget)
    }
}

/// The state of one evaluation: storage, settings, the evaluation time and the query's start and end (what
/// `@ start()` and `@ end()` mean), as raw milliseconds for the inner loops.
struct EvaluationContext {
    let storage: any Queryable
    let lookbackDelta: Int64
    var time: Int64
    let queryStart: Int64
    let queryEnd: Int64
    let defaultSubqueryStep: Int64
    /// What the query may still spend (shared with the contexts of its subqueries' steps).
    let budget: EvaluationBudget

    func eval(_ expr: Expr) throws -> Value {
        switch expr {
        case .number(let node): .scalar(node.value)
        case .string(let node): .string(node.value)
        case .vectorSelector(let node): .vector(selectVector(node))
        case .matrixSelector(let node): .matrix(selectMatrix(node))
        case .paren(let node): try eval(node.expr)
        case .unary(let node): try evalUnary(node)
        case .binary(let node): try evalBinary(node)
        case .call(let node): try evalCall(node)
        case .aggregate(let node): .vector(try evalAggregate(node))
        case .subquery(let node): .matrix(try evalSubquery(node).series)
        }
    }

    func evalVector(_ expr: Expr) throws -> Vector {
        guard case .vector(let vector) = try eval(expr) else {
            throw EvaluationError("expected instant vector, got \(expr.type.rawValue)")
        }
        return vector
    }

    func evalScalar(_ expr: Expr) throws -> Double {
        guard case .scalar(let value) = try eval(expr) else {
            throw EvaluationError("expected scalar, got \(expr.type.rawValue)")
        }
        return value
    }

    func evalString(_ expr: Expr) throws -> String {
        guard case .string(let value) = try eval(expr) else {
            throw EvaluationError("expected string, got \(expr.type.rawValue)")
        }
        return value
    }

    /// The time a selector or subquery reads at: its `@` time (or the evaluation time) minus its offset.
    func referenceTime(at: AtModifier?, offset: PrometheusDuration) -> Int64 {
        let base: Int64
        switch at {
        case nil: base = time
        case .timestamp(let milliseconds): base = milliseconds
        case .start: base = queryStart
        case .end: base = queryEnd
        }
        return base &- offset.milliseconds
    }

    /// The latest non-stale sample of each series within the lookback window (closed at both ends).
    func selectVector(_ selector: VectorSelector) -> Vector {
        let reference = referenceTime(at: selector.at, offset: selector.offset)
        var vector: Vector = []
        storage.forEachLatest(selector.matchers, from: reference &- lookbackDelta, through: reference) {
            labels, timestamp, value in
            guard !isStaleMarker(value) else { return }
            vector.append(Sample(labels: labels, value: value, timestamp: timestamp))
        }
        return vector
    }

    /// The window `[t - offset - range, t - offset]` of a range selector (`t`: its `@` time or the evaluation
    /// time).
    func window(of node: MatrixSelector) -> RangeWindow {
        let end = referenceTime(at: node.selector.at, offset: node.selector.offset)
        return RangeWindow(start: end &- node.rangeDuration.milliseconds, end: end)
    }

    /// The non-stale samples of each series in the selector's window, each series narrowed in place (a copy of a
    /// series retains its labels and arrays, and a rule cycle at 100,000 agents selects millions).
    func selectMatrix(_ node: MatrixSelector) -> Matrix {
        let window = window(of: node)
        var matrix = storage.select(node.selector.matchers, from: window.start, through: window.end)
        for index in matrix.indices {
            let timestamps = matrix[index].timestamps
            if let first = timestamps.first, let last = timestamps.last, first < window.start || last > window.end {
                clip(&matrix[index], from: window.start, through: window.end)
            }
            if matrix[index].values.containsStaleMarker {
                matrix[index] = withoutStaleMarkers(matrix[index])
            }
        }
        matrix.removeAll { $0.timestamps.isEmpty }
        return matrix
    }

    func evalUnary(_ node: UnaryExpr) throws -> Value {
        let value = try eval(node.expr)
        guard node.isNegation else { return value }
        switch value {
        case .scalar(let number): return .scalar(-number)
        case .vector(let vector):
            let negated = vector.map {
                Sample(labels: $0.labels.droppingMetricName(), value: -$0.value, timestamp: time)
            }
            try ensureUniqueAfterDroppingNames(negated, inputNames: vector.lazy.map(\.labels))
            return .vector(negated)
        default:
            throw EvaluationError("unary minus is not defined for \(node.expr.type.rawValue)")
        }
    }
}

/// The part of `series` with timestamps in `from...through`.
func clip(_ series: SeriesSamples, from: Int64, through: Int64) -> SeriesSamples {
    var clipped = series
    clip(&clipped, from: from, through: through)
    return clipped
}

/// Narrows `series` in place to its samples from `from` through `through` (no copy of its labels or arrays).
func clip(_ series: inout SeriesSamples, from: Int64, through: Int64) {
    let lower = lowerBound(series.timestamps, from)
    let upper = lowerBound(series.timestamps, through == .max ? through : through + 1)
    let shift = series.values.startIndex - series.timestamps.startIndex
    series.timestamps = series.timestamps[lower..<upper]
    series.values = series.values[(lower + shift)..<(upper + shift)]
}

/// `series` without stale markers.
func withoutStaleMarkers(_ series: SeriesSamples) -> SeriesSamples {
    var timestamps: [Int64] = []
    var values: [Double] = []
    for (timestamp, value) in zip(series.timestamps, series.values) where !isStaleMarker(value) {
        timestamps.append(timestamp)
        values.append(value)
    }
    return SeriesSamples(labels: series.labels, timestamps: timestamps[...], values: values[...])
}

/// Fails like Prometheus when dropping the metric name made two elements of a result equal.
///
/// Inputs are unique, so this can only happen when they had several metric names; the common case of a
/// single metric name skips hashing the result.
func ensureUniqueAfterDroppingNames(_ vector: Vector, inputNames: some Sequence<Labels>) throws {
    var iterator = inputNames.makeIterator()
    guard let first = iterator.next()?.metricName else { return }
    while let labels = iterator.next() {
        if labels.metricName != first { return try ensureUniqueLabelsets(vector) }
    }
}

/// Fails like Prometheus when two elements of a result have the same labels.
func ensureUniqueLabelsets(_ vector: Vector) throws {
    guard vector.count > 1 else { return }
    // Results mostly keep their inputs' order, sorted by labels: then they are unique without hashing each.
    if vector.indices.dropFirst().allSatisfy({ vector[$0 - 1].labels < vector[$0].labels }) { return }
    var seen = Set<Labels>(minimumCapacity: vector.count)
    for sample in vector where !seen.insert(sample.labels).inserted {
        throw EvaluationError.duplicateLabelset
    }
}
