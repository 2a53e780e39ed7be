import Model

/// An in-memory ``Queryable``: series with their samples, kept sorted by labels and time.
public struct MemoryStorage: Queryable {
    private struct Entry: Sendable {
        var labels: Labels
        var timestamps: [Int64] = []
        var values: [Double] = []
    }

    /// Series in insertion order; positions never change.
    private var entries: [Entry] = []
    private var positions: [Labels: Int] = [:]
    /// Positions of all series, sorted by labels.
    private var sortedPositions: [Int] = []
    /// Positions of the series of each metric name, sorted by labels.
    private var byMetricName: [String: [Int]] = [:]

    /// Creates an empty storage.
    public init() {}

    /// The number of series stored.
    public var seriesCount: Int { entries.count }

    /// Removes all series.
    public mutating func removeAll() {
        self = MemoryStorage()
    }

    /// Adds a sample; a sample at an existing timestamp of the series replaces the old one.
    public mutating func append(_ labels: Labels, timestamp: Int64, value: Double) {
        let position = positions[labels] ?? insertSeries(labels)
        var entry = entries[position]
        entries[position] = Entry(labels: labels)
        let index =
            (entry.timestamps.last ?? .min) < timestamp
            ? entry.timestamps.count : lowerBound(entry.timestamps[...], timestamp)
        if index < entry.timestamps.count, entry.timestamps[index] == timestamp {
            entry.values[index] = value
        } else {
            entry.timestamps.insert(timestamp, at: index)
            entry.values.insert(value, at: index)
        }
        entries[position] = entry
    }

    private mutating func insertSeries(_ labels: Labels) -> Int {
        let position = entries.count
        entries.append(Entry(labels: labels))
        positions[labels] = position
        insertSorted(position, into: &sortedPositions)
        insertSorted(position, into: &byMetricName[labels.metricName, default: []])
        return position
    }

    private func insertSorted(_ position: Int, into list: inout [Int]) {
        let labels = entries[position].labels
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if entries[list[middle]].labels < labels { low = middle + 1 } else { high = middle }
        }
        list.insert(position, at: low)
    }

    /// The matching series sorted by labels, each cut to the samples in `from...through`.
    public func select(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples] {
        let nameIndex = matchers.firstIndex { $0.name == metricNameLabel && $0.type == .equal }
        let candidates = nameIndex.map { byMetricName[matchers[$0].value] ?? [] } ?? sortedPositions
        var others = matchers
        if let nameIndex { others.remove(at: nameIndex) }
        var result: [SeriesSamples] = []
        result.reserveCapacity(candidates.count)
        for position in candidates {
            guard others.allSatisfy({ $0.matches(entries[position].labels) }) else { continue }
            let lower = lowerBound(entries[position].timestamps[...], from)
            let upper = lowerBound(entries[position].timestamps[...], through == .max ? through : through + 1)
            guard lower < upper else { continue }
            result.append(
                SeriesSamples(
                    labels: entries[position].labels,
                    timestamps: entries[position].timestamps[lower..<upper],
                    values: entries[position].values[lower..<upper]))
        }
        return result
    }
}

/// The first index of `sorted` whose element is not less than `value`.
@inline(__always)
func lowerBound(_ sorted: ArraySlice<Int64>, _ value: Int64) -> Int {
    var low = sorted.startIndex
    var high = sorted.endIndex
    while low < high {
        let middle = (low + high) / 2
        if sorted[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low
}
