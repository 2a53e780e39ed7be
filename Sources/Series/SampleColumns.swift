/// The samples of one series, oldest first, as two parallel arrays that slide along a window of time.
///
/// Trimming old samples only moves ``start``; the dead prefix it leaves is reused by moving the live samples
/// to the front once the arrays are full. The arrays are sized by hand so that this slack (dead prefix plus
/// free tail) stays near one eighth of the live samples: about 18 bytes per sample once a series has reached
/// its window, with no allocation per sample and none at all in the steady state (`Array.append` would double
/// the capacity instead). ``slice(from:through:)`` hands out views of the arrays, not copies.
struct SampleColumns {
    private(set) var timestamps: [Int64] = []
    private(set) var values: [Double] = []
    /// Index of the oldest live sample; everything before it is dead.
    private(set) var start = 0

    /// The number of live samples.
    var count: Int { timestamps.count - start }
    var isEmpty: Bool { start == timestamps.count }
    /// The newest sample's value, nil when there are none.
    var lastValue: Double? { isEmpty ? nil : values.last }
    /// Room held for samples, live or not.
    var capacity: Int { timestamps.capacity }
    /// The bytes of both arrays' room (for memory accounting).
    var bytes: Int { (timestamps.capacity + values.capacity) * 8 }

    init() {}

    /// Columns holding `timestamps` and `values` (parallel, ascending), with the usual slack.
    init<Values: Collection<Double>>(timestamps: ArraySlice<Int64>, values: Values) {
        let capacity = timestamps.count + timestamps.count / Self.slackDivisor + 2
        self.timestamps = Self.copy(timestamps, capacity: capacity)
        self.values = Self.copy(values, capacity: capacity)
    }

    /// The fraction of the live samples kept free, as a divisor: `live / slackDivisor` spare slots.
    static let slackDivisor = 8

    /// Appends a sample newer than the newest; a sample at the newest timestamp replaces its value, an older
    /// one is ignored (the store is append-only, like a TSDB head without out-of-order ingestion).
    mutating func append(_ timestamp: Int64, _ value: Double) {
        if let last = timestamps.last, !isEmpty, timestamp <= last {
            if timestamp == last { values[values.count - 1] = value }
            return
        }
        // Both arrays must have room: malloc may have given one of them a little more than was asked for.
        if timestamps.count >= min(timestamps.capacity, values.capacity) { makeRoom() }
        timestamps.append(timestamp)
        values.append(value)
    }

    /// Forgets samples older than `oldest`; their space is reused by later appends. A series left without
    /// samples gives its arrays back.
    mutating func trim(olderThan oldest: Int64) {
        guard !isEmpty, timestamps[start] < oldest else { return }
        start = firstIndex(notBefore: oldest, steppingOver: 2)
        if isEmpty { self = SampleColumns() }
    }

    /// The newest sample with a timestamp in `from...through`, nil when there is none.
    func latest(from: Int64, through: Int64) -> (timestamp: Int64, value: Double)? {
        guard let newest = timestamps.last, !isEmpty else { return nil }
        let upper = newest <= through ? timestamps.count : firstIndex(notBefore: through + 1)
        guard upper > start, timestamps[upper - 1] >= from else { return nil }
        return (timestamps[upper - 1], values[upper - 1])
    }

    /// Views of the samples with timestamps in `from...through`, nil when there are none.
    func slice(from: Int64, through: Int64) -> (timestamps: ArraySlice<Int64>, values: ArraySlice<Double>)? {
        guard let newest = timestamps.last, !isEmpty else { return nil }
        // A query usually ends at the newest sample and starts near the oldest (windows are sized to the
        // selectors): check the ends before searching.
        let lower = firstIndex(notBefore: from, steppingOver: 2)
        let upper = newest <= through ? timestamps.count : firstIndex(notBefore: through + 1)
        guard lower < upper else { return nil }
        return (timestamps[lower..<upper], values[lower..<upper])
    }

    /// Frees room for at least one more sample: reuses the dead prefix when it is at least the slack,
    /// otherwise moves the live samples to arrays sized for them plus the slack.
    private mutating func makeRoom() {
        let live = count
        let slack = live / Self.slackDivisor + 2
        if start >= slack {
            timestamps.removeFirst(start)
            values.removeFirst(start)
        } else {
            timestamps = Self.copy(timestamps[start...], capacity: live + slack)
            values = Self.copy(values[start...], capacity: live + slack)
        }
        start = 0
    }

    private static func copy<Live: Collection>(_ live: Live, capacity: Int) -> [Live.Element] {
        var array: [Live.Element] = []
        array.reserveCapacity(capacity)
        array.append(contentsOf: live)
        return array
    }

    /// The first live index whose timestamp is at least `time`: looks at the oldest `steps` samples, then
    /// searches the rest by halves.
    private func firstIndex(notBefore time: Int64, steppingOver steps: Int = 0) -> Int {
        var low = start
        for _ in 0..<steps {
            guard low < timestamps.count, timestamps[low] < time else { return low }
            low += 1
        }
        var high = timestamps.count
        while low < high {
            let middle = (low + high) / 2
            if timestamps[middle] < time { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
