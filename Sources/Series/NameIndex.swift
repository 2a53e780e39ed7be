import Model

/// The series of one metric name, sorted by labels, so that `select` returns them in Prometheus' order
/// without sorting at each query.
///
/// New series wait in ``pending`` and dropped ones stay in place (their ids go stale) until the next
/// ``refresh(isLive:labels:)``, which a query of the name triggers: a few new series are inserted by binary
/// search, many are sorted and merged in, and stale entries are filtered out.
///
/// For the labels that equality matchers ask about (`agent_health{state="degraded"}`), ``postings`` keeps the
/// ids by label value, in the same order, so such a query reads only the series it matches.
struct NameIndex {
    /// Ids sorted by their series' labels; some may be stale.
    private(set) var sorted: [SeriesID] = []
    /// For some label names: the ids of ``sorted`` by their value of that label. Dropped at each refresh.
    private(set) var postings: [String: [String: [SeriesID]]] = [:]
    /// Ids added since the last refresh, in no order.
    private var pending: [SeriesID] = []
    /// How many series were dropped since the last refresh.
    private var removals = 0

    /// Up to this many pending ids are inserted one by one; more are sorted and merged.
    static let insertionLimit = 16

    var needsRefresh: Bool { !pending.isEmpty || removals > 0 }

    mutating func add(_ id: SeriesID) { pending.append(id) }

    mutating func noteRemoval() { removals += 1 }

    /// Merges the pending ids in and drops stale entries.
    mutating func refresh(isLive: (SeriesID) -> Bool, labels: (SeriesID) -> Labels) {
        if removals > 0 { sorted.removeAll { !isLive($0) } }
        let added = pending.filter(isLive)
        pending = []
        removals = 0
        postings = [:]
        if added.count <= Self.insertionLimit {
            for id in added { sorted.insert(id, at: insertionPoint(of: labels(id), labels: labels)) }
        } else {
            sorted = merge(sorted, added.sorted { labels($0) < labels($1) }, labels: labels)
        }
    }

    /// Builds the postings of the label `name` (once per refresh).
    mutating func index(_ name: String, isLive: (SeriesID) -> Bool, labels: (SeriesID) -> Labels) {
        guard postings[name] == nil else { return }
        var byValue: [String: [SeriesID]] = [:]
        for id in sorted where isLive(id) { byValue[labels(id)[name], default: []].append(id) }
        postings[name] = byValue
    }

    /// The first position whose series sorts after `target`.
    private func insertionPoint(of target: Labels, labels: (SeriesID) -> Labels) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if labels(sorted[middle]) < target { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func merge(_ left: [SeriesID], _ right: [SeriesID], labels: (SeriesID) -> Labels) -> [SeriesID] {
        var merged: [SeriesID] = []
        merged.reserveCapacity(left.count + right.count)
        var (leftIndex, rightIndex) = (0, 0)
        while leftIndex < left.count, rightIndex < right.count {
            if labels(right[rightIndex]) < labels(left[leftIndex]) {
                merged.append(right[rightIndex])
                rightIndex += 1
            } else {
                merged.append(left[leftIndex])
                leftIndex += 1
            }
        }
        merged.append(contentsOf: left[leftIndex...])
        merged.append(contentsOf: right[rightIndex...])
        return merged
    }
}
