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
        let param = try node.param.map(evalScalar)
        let input = try evalVector(node.expr)
        switch node.op {
        case .topk, .bottomk: return selectK(node, input, param ?? 0)
        default: break
        }
        var groups: [Labels: Int] = [:]
        groups.reserveCapacity(input.count)
        var states: [GroupState] = []
        let grouping = node.without ? node.grouping + [metricNameLabel] : node.grouping
        for sample in input {
            let key = node.without ? sample.labels.removing(grouping) : sample.labels.keeping(grouping)
            if let position = groups[key] {
                accumulate(node.op, sample, into: &states[position])
            } else {
                groups[key] = states.count
                states.append(start(node.op, sample, labels: key))
            }
        }
        return states.map { Sample(labels: $0.labels, value: finish(node.op, $0, param: param ?? 0), timestamp: time) }
    }

    private func start(_ op: AggregateOperator, _ sample: Sample, labels: Labels) -> GroupState {
        GroupState(
            labels: labels, value: sample.value, mean: sample.value, count: 1,
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
        default: break
        }
    }

    private func finish(_ op: AggregateOperator, _ group: GroupState, param: Double) -> Double {
        switch op {
        case .avg: group.mean
        case .count: Double(group.count)
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
