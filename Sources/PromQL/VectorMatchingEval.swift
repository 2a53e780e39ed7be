import Model

/// The labels two samples are matched on: only the `on` labels, or all but the `ignoring` labels and the name.
func matchingProjection(_ matching: VectorMatching) -> LabelProjection {
    matching.on ? .keeping(matching.matchingLabels) : .removing(matching.matchingLabels + [metricNameLabel])
}

extension EvaluationContext {
    /// `lhs and rhs`: the left samples that have a match on the right.
    func intersect(_ lhs: Vector, _ rhs: Vector, _ matching: VectorMatching) -> Vector {
        let projection = matchingProjection(matching)
        let right = Set(rhs.map { projection.key($0.labels) })
        return lhs.filter { right.contains(projection.key($0.labels)) }
    }

    /// `lhs or rhs`: all left samples, and the right samples without a match on the left.
    func union(_ lhs: Vector, _ rhs: Vector, _ matching: VectorMatching) -> Vector {
        let projection = matchingProjection(matching)
        let left = Set(lhs.map { projection.key($0.labels) })
        return lhs + rhs.filter { !left.contains(projection.key($0.labels)) }
    }

    /// `lhs unless rhs`: the left samples without a match on the right.
    func subtract(_ lhs: Vector, _ rhs: Vector, _ matching: VectorMatching) -> Vector {
        let projection = matchingProjection(matching)
        let right = Set(rhs.map { projection.key($0.labels) })
        return lhs.filter { !right.contains(projection.key($0.labels)) }
    }

    /// Arithmetic and comparisons between two vectors, one-to-one or many-to-one/one-to-many.
    func vectorVector(_ node: BinaryExpr, _ lhs: Vector, _ rhs: Vector) throws -> Vector {
        // Like Prometheus, an empty side matches nothing, so no matching error can arise.
        if lhs.isEmpty || rhs.isEmpty { return [] }
        let matching = node.matching
        let swapped = matching.cardinality == .oneToMany
        let (many, one) = swapped ? (rhs, lhs) : (lhs, rhs)
        let projection = matchingProjection(matching)
        var oneSide: [ProjectedLabels: Sample] = [:]
        oneSide.reserveCapacity(one.count)
        for sample in one {
            let key = projection.key(sample.labels)
            if let duplicate = oneSide[key] {
                throw duplicateOnOneSide(key, sample, duplicate, side: swapped ? "left" : "right", matching)
            }
            oneSide[key] = sample
        }
        var matched: [ProjectedLabels: Set<Labels>] = [:]
        var result: Vector = []
        for sample in many {
            let key = projection.key(sample.labels)
            guard let partner = oneSide[key] else { continue }
            let (left, right) = swapped ? (partner.value, sample.value) : (sample.value, partner.value)
            var (value, keep) = applyOperator(node.op, left, right)
            if node.returnBool {
                value = keep ? 1 : 0
            } else if !keep {
                continue
            }
            var labels = resultLabels(sample.labels, partner.labels, node.op, matching)
            if node.returnBool { labels = labels.droppingMetricName() }
            try recordMatch(key, labels, matching, &matched)
            result.append(Sample(labels: labels, value: value, timestamp: time))
        }
        return result
    }

    private func recordMatch(
        _ key: ProjectedLabels, _ labels: Labels, _ matching: VectorMatching,
        _ matched: inout [ProjectedLabels: Set<Labels>]
    ) throws {
        if matching.cardinality == .oneToOne {
            if matched[key] != nil {
                throw EvaluationError(
                    "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
            }
            matched[key] = []
        } else if !matched[key, default: []].insert(labels).inserted {
            throw EvaluationError("multiple matches for labels: grouping labels must ensure unique matches")
        }
    }

    private func duplicateOnOneSide(
        _ key: ProjectedLabels, _ sample: Sample, _ other: Sample, side: String,
        _ matching: VectorMatching
    ) -> EvaluationError {
        let group =
            matching.on
            ? sample.labels.keeping(matching.matchingLabels)
            : sample.labels.removing(matching.matchingLabels)
        return EvaluationError(
            "found duplicate series for the match group \(group) on the \(side) hand-side of the operation: "
                + "[\(sample.labels), \(other.labels)];many-to-many matching not allowed: "
                + "matching labels must be unique on one side")
    }

    /// The labels of a result element: taken from the "many" side, reduced and extended like Prometheus.
    private func resultLabels(_ many: Labels, _ one: Labels, _ op: BinaryOperator, _ matching: VectorMatching)
        -> Labels
    {
        var labels = op.dropsMetricName ? many.droppingMetricName() : many
        if matching.cardinality == .oneToOne {
            labels = matching.on ? labels.keeping(matching.matchingLabels) : labels.removing(matching.matchingLabels)
        }
        for name in matching.include {
            labels = labels.setting(name, to: one[name])
        }
        return labels
    }
}
