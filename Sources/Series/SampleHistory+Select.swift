import Model

extension SampleHistory.State {
    /// The matching series with their samples in `from...through`, sorted by labels, as views of the stored
    /// arrays. A selector naming its metric reads that name's sorted list; one without reads every series.
    mutating func select(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples] {
        select(candidates(for: matchers), from: from, through: through)
    }

    /// ``select(_:from:through:)`` when the metric's index is up to date (a read needs no write lock); nil when
    /// the index must be brought up to date first.
    func selectIfIndexed(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples]? {
        indexedCandidates(for: matchers).map { select($0, from: from, through: through) }
    }

    /// The newest sample in `from...through` of each matching series, visited in label order. A series sharing a
    /// column reads one value: the column's index of `through` is found once for all of its members, so that
    /// neither their timestamps nor their values are sliced (each slice retains the column's array, which every
    /// thread evaluating rules would contend for).
    mutating func forEachLatest(
        _ matchers: [LabelMatcher], from: Int64, through: Int64, _ visit: (Labels, Int64, Double) -> Void
    ) {
        forEachLatest(candidates(for: matchers), from: from, through: through, visit)
    }

    /// ``forEachLatest(_:from:through:_:)`` when the metric's index is up to date; false, having visited nothing,
    /// when the index must be brought up to date first.
    func forEachLatestIfIndexed(
        _ matchers: [LabelMatcher], from: Int64, through: Int64, _ visit: (Labels, Int64, Double) -> Void
    ) -> Bool {
        guard let candidates = indexedCandidates(for: matchers) else { return false }
        forEachLatest(candidates, from: from, through: through, visit)
        return true
    }

    /// The series a selector may match: for one naming its metric, that name's series in label order (narrowed by
    /// an equality matcher the index serves) and the matchers besides the name, which each candidate must still
    /// satisfy; for one without a name, every series.
    enum Candidates {
        case named(ids: [SeriesID], others: [LabelMatcher])
        case unnamed([LabelMatcher])
    }

    private func select(_ candidates: Candidates, from: Int64, through: Int64) -> [SeriesSamples] {
        let (ids, others): ([SeriesID], [LabelMatcher])
        switch candidates {
        case .unnamed(let matchers): return selectUnnamed(matchers, from: from, through: through)
        case .named(let named, let rest): (ids, others) = (named, rest)
        }
        var result: [SeriesSamples] = []
        result.reserveCapacity(ids.count)
        var timestamps = ColumnTimestamps(columns: columns.count)
        for id in ids where table.isLive(id) {
            let series = samples(of: id.slot, matching: others, from: from, through: through, timestamps: &timestamps)
            if let series { result.append(series) }
        }
        return result
    }

    private func forEachLatest(
        _ candidates: Candidates, from: Int64, through: Int64, _ visit: (Labels, Int64, Double) -> Void
    ) {
        let (ids, others): ([SeriesID], [LabelMatcher])
        switch candidates {
        case .unnamed(let matchers):
            for series in selectUnnamed(matchers, from: from, through: through) {
                guard let last = series.timestamps.indices.last else { continue }
                visit(series.labels, series.timestamps[last], series.values[last])
            }
            return
        case .named(let named, let rest): (ids, others) = (named, rest)
        }
        // Per column: its entries in `from...through`, found on its first member.
        var columnRanges = [Range<Int>?](repeating: nil, count: columns.count)
        for id in ids where table.isLive(id) {
            let slot = Int(id.slot)
            let labels = table.slots[slot].labels
            guard others.allSatisfy({ $0.matches(labels) }) else { continue }
            guard let aligned = table.slots[slot].aligned else {
                if let (timestamp, value) = table.slots[slot].samples.latest(from: from, through: through) {
                    visit(labels, timestamp, value)
                }
                continue
            }
            let column = Int(aligned.column)
            guard aligned.count == columns[column].count else { continue }
            let range =
                columnRanges[column]
                ?? columns[column].range(from: from, through: through, lowest: columns[column].start)
            columnRanges[column] = range
            guard let last = range.last, last >= Int(aligned.first) else { continue }
            visit(labels, columns[column].timestamps[last], aligned.value(at: last))
        }
    }

    /// The candidates of `matchers`, bringing the metric's index up to date first.
    private mutating func candidates(for matchers: [LabelMatcher]) -> Candidates {
        guard let (name, others) = Self.split(matchers) else { return .unnamed(matchers) }
        guard let index = table.nameIndex(of: name) else { return .named(ids: [], others: others) }
        return .named(ids: table.candidates(of: index, matching: others), others: others)
    }

    /// The candidates of `matchers` as the metric's index has them, nil when it is not up to date.
    private func indexedCandidates(for matchers: [LabelMatcher]) -> Candidates? {
        guard let (name, others) = Self.split(matchers) else { return .unnamed(matchers) }
        guard let index = table.nameIndex(of: name) else { return .named(ids: [], others: others) }
        return table.indexedCandidates(of: index, matching: others).map { .named(ids: $0, others: others) }
    }

    /// The metric name an equality matcher asks for and the other matchers; nil for a selector without one.
    private static func split(_ matchers: [LabelMatcher]) -> (name: String, others: [LabelMatcher])? {
        guard let nameMatcher = matchers.firstIndex(where: { $0.name == metricNameLabel && $0.type == .equal }) else {
            return nil
        }
        var others = matchers
        others.remove(at: nameMatcher)
        return (matchers[nameMatcher].value, others)
    }

    private func selectUnnamed(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples] {
        var result: [SeriesSamples] = []
        var timestamps = ColumnTimestamps(columns: columns.count)
        for slot in table.slots.indices where table.slots[slot].inUse {
            if let series = samples(
                of: Int32(slot), matching: matchers, from: from, through: through, timestamps: &timestamps)
            {
                result.append(series)
            }
        }
        result.sort { $0.labels < $1.labels }
        return result
    }

    /// The samples of the series in `slot` in `from...through`, nil when it does not match or has none there.
    private func samples(
        of slot: Int32, matching matchers: [LabelMatcher], from: Int64, through: Int64,
        timestamps: inout ColumnTimestamps
    ) -> SeriesSamples? {
        // Field by field: copying the whole slot would retain and release its arrays for nothing.
        let labels = table.slots[Int(slot)].labels
        guard matchers.allSatisfy({ $0.matches(labels) }) else { return nil }
        if let column = table.slots[Int(slot)].aligned?.column {
            return alignedSamples(
                of: slot, column: Int(column), labels: labels, from: from, through: through, timestamps: &timestamps)
        }
        guard let (timestamps, values) = table.slots[Int(slot)].samples.slice(from: from, through: through) else {
            return nil
        }
        return SeriesSamples(labels: labels, timestamps: timestamps, values: values)
    }

    /// The samples of a series sharing `column`: its timestamps (a view of the selection's copy of the column's) and
    /// its values, index for index.
    private func alignedSamples(
        of slot: Int32, column: Int, labels: Labels, from: Int64, through: Int64, timestamps: inout ColumnTimestamps
    ) -> SeriesSamples? {
        guard let aligned = table.slots[Int(slot)].aligned, aligned.count == columns[column].count else { return nil }
        let range = columns[column].range(from: from, through: through, lowest: Int(aligned.first))
        guard !range.isEmpty else { return nil }
        return SeriesSamples(
            labels: labels, timestamps: timestamps.copy(of: column, in: columns)[range], values: aligned.values(range))
    }
}

/// One selection's own copies of the columns' timestamps. Every series of a column hands out a view of its
/// timestamps, which retains the array it views: were that the column's own array, both threads evaluating rules
/// would retain and release the same reference count for each series they select.
struct ColumnTimestamps {
    private var copies: [[Int64]?]

    init(columns: Int) {
        copies = Array(repeating: nil, count: columns)
    }

    /// The copy of the timestamps of `column`, at the same indices, made on first use.
    mutating func copy(of column: Int, in columns: [TimestampColumn]) -> [Int64] {
        if let copy = copies[column] { return copy }
        let original = columns[column].timestamps
        let copy = [Int64](unsafeUninitializedCapacity: original.count) { buffer, count in
            _ = buffer.initialize(from: original)
            count = original.count
        }
        copies[column] = copy
        return copy
    }
}
