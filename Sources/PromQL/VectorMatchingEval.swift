import Model

/// The labels two samples are matched on: only the `on` labels, or all but the `ignoring` labels and the name.
func matchingProjection(_ matching: VectorMatching) -> LabelProjection {
    matching.on ? .keeping(matching.matchingLabels) : .removing(matching.matchingLabels + [metricNameLabel])
}

extension EvaluationContext {
    /// `lhs and rhs`: the left samples that have a match on the right.
    func intersect(_ lhs: Vector, _ rhs: Vector, _ matching: VectorMatching) -> Vector {
        let projection = matchingProjection(matching)
        if let partners = sortedPartners(of: lhs, in: rhs, projection, unique: false) {
            return lhs.indices.compactMap { partners[$0] >= 0 ? lhs[$0] : nil }
        }
        let right = Set(rhs.map { projection.key($0.labels) })
        return lhs.filter { right.contains(projection.key($0.labels)) }
    }

    /// `lhs or rhs`: all left samples, and the right samples without a match on the left.
    func union(_ lhs: Vector, _ rhs: Vector, _ matching: VectorMatching) -> Vector {
        let projection = matchingProjection(matching)
        if let partners = sortedPartners(of: rhs, in: lhs, projection, unique: false) {
            return lhs + rhs.indices.compactMap { partners[$0] < 0 ? rhs[$0] : nil }
        }
        let left = Set(lhs.map { projection.key($0.labels) })
        return lhs + rhs.filter { !left.contains(projection.key($0.labels)) }
    }

    /// `lhs unless rhs`: the left samples without a match on the right.
    func subtract(_ lhs: Vector, _ rhs: Vector, _ matching: VectorMatching) -> Vector {
        let projection = matchingProjection(matching)
        if let partners = sortedPartners(of: lhs, in: rhs, projection, unique: false) {
            return lhs.indices.compactMap { partners[$0] < 0 ? lhs[$0] : nil }
        }
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
        if matching.cardinality == .oneToOne,
            let partners = sortedPartners(of: many, in: one, projection, unique: true)
        {
            return many.indices.compactMap { index in
                guard partners[index] >= 0 else { return nil }
                return combine(node, many[index], one[partners[index]], swapped: swapped)
            }
        }
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

    /// The result element of `sample` and its partner under `node`, nil when a comparison drops it (one-to-one,
    /// without the checks for several matches: the caller rules them out).
    private func combine(_ node: BinaryExpr, _ sample: Sample, _ partner: Sample, swapped: Bool) -> Sample? {
        let (left, right) = swapped ? (partner.value, sample.value) : (sample.value, partner.value)
        var (value, keep) = applyOperator(node.op, left, right)
        if node.returnBool {
            value = keep ? 1 : 0
        } else if !keep {
            return nil
        }
        var labels = resultLabels(sample.labels, partner.labels, node.op, node.matching)
        if node.returnBool { labels = labels.droppingMetricName() }
        return Sample(labels: labels, value: value, timestamp: time)
    }

    /// For each element of `samples`, the index of the element of `others` with the same labels under
    /// `projection` (-1: none), found by walking both in order, as a merge: nil when either is not in the
    /// projection's order (``LabelProjection/compare(_:_:)``), strictly so when `unique`. Then the caller hashes.
    ///
    /// Operands usually come sorted by labels from their selectors, and the projections of rules (`on (agent)`,
    /// every label but the name) keep that order: two comparisons per element instead of hashing both sides
    /// (a rule with five operators over 100,000 agents hashed a million label sets). With `unique`, neither side
    /// holds two elements with the same projected labels, so no matching error can arise.
    private func sortedPartners(of samples: Vector, in others: Vector, _ projection: LabelProjection, unique: Bool)
        -> [Int]?
    {
        func inOrder(_ vector: Vector) -> Bool {
            vector.indices.dropFirst().allSatisfy { index in
                let order = projection.compare(vector[index - 1].labels, vector[index].labels)
                return order < 0 || (order == 0 && !unique)
            }
        }
        guard inOrder(samples), inOrder(others) else { return nil }
        var partners = [Int](repeating: -1, count: samples.count)
        var cursor = others.startIndex
        for index in samples.indices {
            while cursor < others.endIndex {
                let order = projection.compare(others[cursor].labels, samples[index].labels)
                if order < 0 {
                    cursor += 1
                    continue
                }
                if order == 0 { partners[index] = cursor }
                break
            }
        }
        return partners
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
