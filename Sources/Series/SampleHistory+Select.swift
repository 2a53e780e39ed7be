import PromQL

extension SampleHistory.State {
    /// The matching series with their samples in `from...through`, sorted by labels, as views of the stored
    /// arrays. A selector naming its metric reads that name's sorted list; one without reads every series.
    mutating func select(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples] {
        guard let nameMatcher = matchers.firstIndex(where: { $0.name == metricNameLabel && $0.type == .equal }) else {
            return selectUnnamed(matchers, from: from, through: through)
        }
        guard let name = table.nameIndex(of: matchers[nameMatcher].value) else { return [] }
        var others = matchers
        others.remove(at: nameMatcher)
        table.refreshIndex(name)
        var result: [SeriesSamples] = []
        for id in table.byName[Int(name)].sorted where table.isLive(id) {
            if let series = samples(of: id.slot, matching: others, from: from, through: through) {
                result.append(series)
            }
        }
        return result
    }

    private func selectUnnamed(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples] {
        var result: [SeriesSamples] = []
        for slot in table.slots.indices where table.slots[slot].inUse {
            if let series = samples(of: Int32(slot), matching: matchers, from: from, through: through) {
                result.append(series)
            }
        }
        result.sort { $0.labels < $1.labels }
        return result
    }

    /// The samples of the series in `slot` in `from...through`, nil when it does not match or has none there.
    private func samples(of slot: Int32, matching matchers: [LabelMatcher], from: Int64, through: Int64)
        -> SeriesSamples?
    {
        let series = table.slots[Int(slot)]
        guard matchers.allSatisfy({ $0.matches(series.labels) }),
            let (timestamps, values) = series.samples.slice(from: from, through: through)
        else { return nil }
        return SeriesSamples(labels: series.labels, timestamps: timestamps, values: values)
    }
}
