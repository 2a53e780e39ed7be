import Model

extension EvaluationContext {
    /// `topk`/`bottomk`: the k largest/smallest samples of each group, with their original labels.
    func selectK(_ node: AggregateExpr, _ input: Vector, _ param: Double) -> Vector {
        guard param >= 1 else { return [] }
        let k = param >= Double(Int.max) ? Int.max : Int(param)
        let prefersLarger = node.op == .topk
        var order: [Labels] = []
        var groups: [Labels: [Sample]] = [:]
        for sample in input {
            let key =
                node.without
                ? sample.labels.removing(node.grouping + [metricNameLabel])
                : sample.labels.keeping(node.grouping)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(sample)
        }
        var result: Vector = []
        for key in order {
            let members = groups[key] ?? []
            let ranked = members.enumerated().sorted { a, b in
                let better = isBetter(a.element.value, than: b.element.value, prefersLarger: prefersLarger)
                let worse = isBetter(b.element.value, than: a.element.value, prefersLarger: prefersLarger)
                return better || (!worse && a.offset < b.offset)
            }
            result += ranked.prefix(k).map {
                Sample(labels: $0.element.labels, value: $0.element.value, timestamp: time)
            }
        }
        return result
    }

    /// Whether `value` ranks before `other`; NaN always ranks last.
    private func isBetter(_ value: Double, than other: Double, prefersLarger: Bool) -> Bool {
        if value.isNaN { return false }
        if other.isNaN { return true }
        return prefersLarger ? value > other : value < other
    }
}
