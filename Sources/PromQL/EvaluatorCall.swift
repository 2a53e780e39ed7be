import Model

extension EvaluationContext {
    func evalCall(_ node: Call) throws -> Value {
        let name = node.function.name
        if let rangeFunction = RangeFunction(rawValue: name) {
            return .vector(try evalRangeFunction(rangeFunction, node))
        }
        if let math = MathFunction(rawValue: name) {
            return .vector(try mapValues(evalVector(node.args[0]), math.apply))
        }
        if let date = DateFunction(rawValue: name) {
            guard let arg = node.args.first else {
                return .vector([Sample(labels: .empty, value: date.apply(milliseconds: time), timestamp: time)])
            }
            return .vector(try mapValues(evalVector(arg)) { date.apply(seconds: $0) })
        }
        switch name {
        case "time": return .scalar(SampleTime.seconds(time))
        case "pi": return .scalar(Double.pi)
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
        case "sort": return sortedByValue(try evalVector(node.args[0]), descending: false)
        case "sort_desc": return sortedByValue(try evalVector(node.args[0]), descending: true)
        case "histogram_count", "histogram_sum", "histogram_fraction":
            // Native-histogram functions: float samples give no result (Prometheus 2.42 skips them).
            for arg in node.args { _ = try eval(arg) }
            return []
        default:
            throw EvaluationError("unknown function \(GoFormat.quote(name))")
        }
    }

    private func checkedUnique(_ vector: Vector) throws -> Vector {
        try ensureUniqueLabelsets(vector)
        return vector
    }

    /// `sort`/`sort_desc`: by value, NaN last either way; the metric name stays.
    ///
    /// Prometheus sorts with Go's `sort.Sort`, which for up to 12 elements is an insertion sort: equal values
    /// keep their order and NaNs end up in reverse order. That is reproduced; longer vectors keep equal
    /// values in order (Go's pattern-defeating quicksort has no defined order for them).
    private func sortedByValue(_ input: Vector, descending: Bool) -> Vector {
        // Prometheus' `Less(i, j)` of sort.Reverse(byValue): j is NaN, or the values are in order.
        func goLess(_ x: Double, _ y: Double) -> Bool { y.isNaN || (descending ? y < x : y > x) }
        if input.count <= 12 {
            var sorted = input
            for index in sorted.indices.dropFirst() {
                var position = index
                while position > 0, goLess(sorted[position].value, sorted[position - 1].value) {
                    sorted.swapAt(position, position - 1)
                    position -= 1
                }
            }
            return sorted
        }
        return input.enumerated().sorted { a, b in
            let (x, y) = (a.element.value, b.element.value)
            if x.isNaN || y.isNaN { return !x.isNaN || (y.isNaN && a.offset < b.offset) }
            if x == y { return a.offset < b.offset }
            return descending ? x > y : x < y
        }.map(\.element)
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
