import Model

extension LabelProjection {
    /// The index ranges of `input` whose samples the projection leaves equal, when each such group comes in one
    /// piece and the groups in ascending order of their labels (what `rate`, `sum by` and selectors leave when the
    /// grouping labels lead the label sets); nil as soon as a group comes out of that order, since its samples
    /// might then be apart and only hashing finds them. Each sample is compared with the first of its group, so
    /// an ordered input is grouped without hashing a label set.
    func orderedRuns(_ input: Vector) -> [Range<Int>]? {
        var runs: [Range<Int>] = []
        var start = input.startIndex
        for index in input.indices.dropFirst() {
            let order = compare(input[start].labels, input[index].labels)
            if order > 0 { return nil }
            if order < 0 {
                runs.append(start..<index)
                start = index
            }
        }
        if start < input.endIndex { runs.append(start..<input.endIndex) }
        return runs
    }
}
