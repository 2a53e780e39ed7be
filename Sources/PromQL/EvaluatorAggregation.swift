import Model

/// The running state of one aggregation group.
private struct GroupState {
    var labels: Labels
    var value: Double
    var mean: Double
    var count: Int
    var samples: [Sample] = []
    var values: [Double] = []
}

extension EvaluationContext {
    func evalAggregate(_ node: AggregateExpr) throws -> Vector {
        if node.op == .countValues, let param = node.param { return try countValues(node, label: evalString(param)) }
        let param = try node.param.map(evalScalar)
        let input = try evalVector(node.expr)
        switch node.op {
        case .topk, .bottomk: return selectK(node, input, param ?? 0)
        default: break
        }
        return aggregate(node, input, param: param ?? 0)
    }

    /// Groups `input` by the aggregation's `by`/`without` labels and folds each group with its operator.
    private func aggregate(_ node: AggregateExpr, _ input: Vector, param: Double, extraGrouping: [String] = [])
        -> Vector
    {
        let projection: LabelProjection =
            node.without ? .removing(node.grouping + [metricNameLabel]) : .keeping(node.grouping + extraGrouping)
        if Self.groupsAreSamples(input, projection) {
            return input.map { sample in
                let group = start(node.op, sample, labels: projection.apply(sample.labels))
                return Sample(labels: group.labels, value: finish(node.op, group, param: param), timestamp: time)
            }
        }
        if let runs = projection.orderedRuns(input) {
            return runs.map { run in
                let first = input[run.lowerBound]
                var group = start(node.op, first, labels: projection.apply(first.labels))
                for sample in input[run].dropFirst() { accumulate(node.op, sample, into: &group) }
                return Sample(labels: group.labels, value: finish(node.op, group, param: param), timestamp: time)
            }
        }
        var groups: [ProjectedLabels: Int] = [:]
        groups.reserveCapacity(input.count)
        var states: [GroupState] = []
        for sample in input {
            // A group's labels are built once, for its first sample.
            let key = projection.key(sample.labels)
            if let position = groups[key] {
                accumulate(node.op, sample, into: &states[position])
            } else {
                groups[key] = states.count
                states.append(start(node.op, sample, labels: key.projected))
            }
        }
        return states.map { Sample(labels: $0.labels, value: finish(node.op, $0, param: param), timestamp: time) }
    }

    /// Whether each sample of `input` is a group of its own: the projection keeps every label but the metric
    /// name, and the samples share that name (or all lack one), so no two of them project to the same labels.
    /// Then the groups are the samples in their order, with no label set hashed: `sum by (agent, agent_type, le)`
    /// over a per-agent histogram's buckets at 100,000 agents spent a second hashing 1.3 million keys.
    private static func groupsAreSamples(_ input: Vector, _ projection: LabelProjection) -> Bool {
        guard let name = input.first?.labels.metricName else { return true }
        for sample in input {
            var sampleName = ""
            for label in sample.labels.labels {
                if label.name == metricNameLabel {
                    sampleName = label.value
                } else if !projection.includes(label) {
                    return false
                }
            }
            guard sampleName == name else { return false }
        }
        return true
    }

    /// `count_values("label", v)`: how many samples have each value, the value (as Go's `%f` shortest) in
    /// `label`.
    private func countValues(_ node: AggregateExpr, label: String) throws -> Vector {
        guard isValidLabelName(label) else { throw EvaluationError("invalid label name \(GoFormat.quote(label))") }
        let input = try evalVector(node.expr).map {
            Sample(
                labels: $0.labels.setting(label, to: GoFloat.shortestFixed($0.value)), value: $0.value, timestamp: time)
        }
        return aggregate(node, input, param: 0, extraGrouping: [label])
    }

    private func start(_ op: AggregateOperator, _ sample: Sample, labels: Labels) -> GroupState {
        let value: Double
        switch op {
        case .stddev, .stdvar: value = 0
        case .group: value = 1
        default: value = sample.value
        }
        return GroupState(
            labels: labels, value: value, mean: sample.value, count: 1,
            values: op == .quantile ? [sample.value] : [])
    }

    private func accumulate(_ op: AggregateOperator, _ sample: Sample, into group: inout GroupState) {
        let value = sample.value
        group.count += 1
        switch op {
        case .sum: group.value += value
        case .avg: group.mean = nextMean(group.mean, value, count: group.count)
        case .max: if group.value < value || group.value.isNaN { group.value = value }
        case .min: if group.value > value || group.value.isNaN { group.value = value }
        case .quantile: group.values.append(value)
        case .stddev, .stdvar:
            let delta = value - group.mean
            group.mean += delta / Double(group.count)
            group.value += delta * (value - group.mean)
        default: break
        }
    }

    private func finish(_ op: AggregateOperator, _ group: GroupState, param: Double) -> Double {
        switch op {
        case .avg: group.mean
        case .count, .countValues: Double(group.count)
        case .stdvar: group.value / Double(group.count)
        case .stddev: (group.value / Double(group.count)).squareRoot()
        case .quantile: quantile(param, group.values)
        default: group.value
        }
    }
}

/// Prometheus 2.42's incremental mean, which avoids overflow and keeps infinities.
func nextMean(_ mean: Double, _ value: Double, count: Int) -> Double {
    if mean.isInfinite {
        if value.isInfinite, (mean > 0) == (value > 0) { return mean }
        if !value.isInfinite, !value.isNaN { return mean }
    }
    let divisor = Double(count)
    return mean + (value / divisor - mean / divisor)
}

/// The φ-quantile of `values` with linear interpolation, as Prometheus' `quantile` aggregation.
func quantile(_ phi: Double, _ values: [Double]) -> Double {
    if values.isEmpty || phi.isNaN { return .nan }
    if phi < 0 { return -.infinity }
    if phi > 1 { return .infinity }
    let sorted = values.sorted { ($0.isNaN && !$1.isNaN) || $0 < $1 }
    let rank = phi * Double(sorted.count - 1)
    let lower = max(0, Int(rank.rounded(.down)))
    let upper = min(sorted.count - 1, lower + 1)
    let weight = rank - rank.rounded(.down)
    return sorted[lower] * (1 - weight) + sorted[upper] * weight
}
