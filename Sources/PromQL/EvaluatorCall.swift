import Model

extension EvaluationContext {
    func evalCall(_ node: Call) throws -> Value {
        let name = node.function.name
        if let rangeFunction = RangeFunction(rawValue: name) {
            return .vector(try evalRangeFunction(rangeFunction, node))
        }
        switch name {
        case "time": return .scalar(SampleTime.seconds(time))
        case "scalar":
            let vector = try evalVector(node.args[0])
            return .scalar(vector.count == 1 ? vector[0].value : .nan)
        case "vector":
            return .vector([Sample(labels: .empty, value: try evalScalar(node.args[0]), timestamp: time)])
        case "absent":
            let vector = try evalVector(node.args[0])
            return .vector(vector.isEmpty ? [absentSample(node.args[0])] : [])
        default:
            return .vector(try evalInstantFunction(name, node))
        }
    }

    private func evalInstantFunction(_ name: String, _ node: Call) throws -> Vector {
        switch name {
        case "timestamp": return try timestamps(node.args[0])
        case "histogram_quantile":
            let input = try evalVector(node.args[1])
            let result = histogramQuantile(try evalScalar(node.args[0]), input)
            try ensureUniqueAfterDroppingNames(result, inputNames: input.lazy.map(\.labels))
            return result
        case "label_replace": return try checkedUnique(labelReplace(node.args))
        case "label_join": return try checkedUnique(labelJoin(node.args))
        case "clamp":
            let (low, high) = (try evalScalar(node.args[1]), try evalScalar(node.args[2]))
            let input = try evalVector(node.args[0])
            if high < low { return [] }
            return try mapValues(input) { goMax(low, goMin(high, $0)) }
        case "clamp_min":
            let low = try evalScalar(node.args[1])
            return try mapValues(evalVector(node.args[0])) { goMax(low, $0) }
        case "clamp_max":
            let high = try evalScalar(node.args[1])
            return try mapValues(evalVector(node.args[0])) { goMin(high, $0) }
        case "round":
            let toNearest = node.args.count > 1 ? try evalScalar(node.args[1]) : 1
            let inverse = 1 / toNearest
            return try mapValues(evalVector(node.args[0])) { ($0 * inverse + 0.5).rounded(.down) / inverse }
        case "abs": return try mapValues(evalVector(node.args[0])) { $0.magnitude }
        case "ceil": return try mapValues(evalVector(node.args[0])) { $0.rounded(.up) }
        case "floor": return try mapValues(evalVector(node.args[0])) { $0.rounded(.down) }
        default:
            throw UnsupportedError(construct: "function \(GoFormat.quote(name))", range: node.range)
        }
    }

    private func checkedUnique(_ vector: Vector) throws -> Vector {
        try ensureUniqueLabelsets(vector)
        return vector
    }

    /// Applies `transform` to every value, dropping the metric name.
    private func mapValues(_ input: Vector, _ transform: (Double) -> Double) throws -> Vector {
        let result = input.map {
            Sample(labels: $0.labels.droppingMetricName(), value: transform($0.value), timestamp: time)
        }
        try ensureUniqueAfterDroppingNames(result, inputNames: input.lazy.map(\.labels))
        return result
    }

    /// `timestamp(v)`: the time of each sample; a plain selector gives the stored sample's own time.
    private func timestamps(_ arg: Expr) throws -> Vector {
        var isSelector = false
        if case .vectorSelector = arg.unparenthesized { isSelector = true }
        let input = try evalVector(arg)
        let result = input.map {
            let stamp = isSelector ? $0.timestamp : time
            return Sample(labels: $0.labels.droppingMetricName(), value: SampleTime.seconds(stamp), timestamp: time)
        }
        try ensureUniqueAfterDroppingNames(result, inputNames: input.lazy.map(\.labels))
        return result
    }

    /// The sample `absent`/`absent_over_time` return: labels from the selector's equality matchers.
    func absentSample(_ arg: Expr) -> Sample {
        var matchers: [LabelMatcher] = []
        switch arg.unparenthesized {
        case .vectorSelector(let selector): matchers = selector.matchers
        case .matrixSelector(let matrix): matchers = matrix.selector.matchers
        default: break
        }
        var labels = Labels.empty
        var ambiguous: [String] = []
        for matcher in matchers where matcher.name != metricNameLabel {
            if matcher.type == .equal, labels[matcher.name].isEmpty, !ambiguous.contains(matcher.name) {
                labels = labels.setting(matcher.name, to: matcher.value)
            } else {
                ambiguous.append(matcher.name)
            }
        }
        return Sample(labels: labels.removing(ambiguous), value: 1, timestamp: time)
    }
}

/// Go's `math.Max`: +Inf wins over NaN, NaN over numbers, +0 over -0.
func goMax(_ a: Double, _ b: Double) -> Double {
    if a == .infinity || b == .infinity { return .infinity }
    if a.isNaN || b.isNaN { return .nan }
    if a == 0, b == 0 { return a.sign == .minus ? b : a }
    return a > b ? a : b
}

/// Go's `math.Min`: -Inf wins over NaN, NaN over numbers, -0 over +0.
func goMin(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity || b == -.infinity { return -.infinity }
    if a.isNaN || b.isNaN { return .nan }
    if a == 0, b == 0 { return a.sign == .minus ? a : b }
    return a < b ? a : b
}
