import Model

/// Evaluates PromQL expressions as instant queries over a ``Queryable``.
public struct Evaluator: Sendable {
    /// Where series come from.
    public let storage: any Queryable
    /// How far back an instant vector selector looks for a sample (Prometheus: 5m).
    public let lookbackDelta: PrometheusDuration

    /// Creates an evaluator.
    public init(storage: any Queryable, lookbackDelta: PrometheusDuration = .minutes(5)) {
        self.storage = storage
        self.lookbackDelta = lookbackDelta
    }

    /// Parses and evaluates `query` at `time`.
    /// - Throws: ``ParseError``, ``UnsupportedError`` or ``EvaluationError``.
    public func query(_ query: String, at time: Timestamp) throws -> Value {
        try evaluate(Parser.parse(query), at: time)
    }

    /// Evaluates `expr` at `time`.
    /// - Throws: ``EvaluationError`` when Prometheus would fail the query.
    public func evaluate(_ expr: Expr, at time: Timestamp) throws -> Value {
        try EvaluationContext(storage: storage, lookbackDelta: lookbackDelta.milliseconds, time: time.milliseconds)
            .eval(expr)
    }
}

/// The state of one evaluation: storage, settings and the evaluation time, as raw milliseconds for the
/// inner loops.
struct EvaluationContext {
    let storage: any Queryable
    let lookbackDelta: Int64
    let time: Int64

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

    /// The latest non-stale sample of each series within the lookback window (closed at both ends).
    func selectVector(_ selector: VectorSelector) -> Vector {
        let reference = time - selector.offset.milliseconds
        let series = storage.select(selector.matchers, from: reference - lookbackDelta, through: reference)
        var vector: Vector = []
        vector.reserveCapacity(series.count)
        for item in series {
            guard let last = item.timestamps.indices.last(where: { item.timestamps[$0] <= reference }),
                item.timestamps[last] >= reference - lookbackDelta, !isStaleMarker(item.values[last])
            else { continue }
            vector.append(Sample(labels: item.labels, value: item.values[last], timestamp: item.timestamps[last]))
        }
        return vector
    }

    /// The non-stale samples of each series in `[t - offset - range, t - offset]`.
    func selectMatrix(_ node: MatrixSelector) -> Matrix {
        let end = time - node.selector.offset.milliseconds
        let start = end - node.rangeDuration.milliseconds
        var matrix = storage.select(node.selector.matchers, from: start, through: end)
        for index in matrix.indices {
            let timestamps = matrix[index].timestamps
            if let first = timestamps.first, let last = timestamps.last, first < start || last > end {
                matrix[index] = clip(matrix[index], from: start, through: end)
            }
            if matrix[index].values.contains(where: isStaleMarker) {
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
    let lower = lowerBound(series.timestamps, from)
    let upper = lowerBound(series.timestamps, through == .max ? through : through + 1)
    var clipped = series
    clipped.timestamps = series.timestamps[lower..<upper]
    let shift = series.values.startIndex - series.timestamps.startIndex
    clipped.values = series.values[(lower + shift)..<(upper + shift)]
    return clipped
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
    var seen = Set<Labels>(minimumCapacity: vector.count)
    for sample in vector where !seen.insert(sample.labels).inserted {
        throw EvaluationError.duplicateLabelset
    }
}
