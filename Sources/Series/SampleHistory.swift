import PromQL
import Synchronization

/// A bounded in-memory history of samples, the store the rule engine queries.
///
/// It keeps only the metric names the loaded rules read, and only as far back as their longest range plus the
/// lookback; everything else is dropped when the rules change (``retain(_:)``). Fleet series are sampled into
/// it at each evaluation (``record(_:metricNames:at:)``); rule results are appended as they are produced.
public final class SampleHistory: Queryable, Sendable {
    /// What to keep: the series some selector of the loaded rules matches, each as far back as the
    /// furthest-reaching of those selectors reads.
    public struct Retention: Sendable {
        /// One selector's needs.
        public struct Requirement: Sendable {
            /// The selector's matchers (those on `__name__` included or not: only the others are checked).
            public var matchers: [LabelMatcher]
            /// How far back it reads, in milliseconds.
            public var windowMillis: Int64

            public init(matchers: [LabelMatcher], windowMillis: Int64) {
                self.matchers = matchers
                self.windowMillis = windowMillis
            }
        }

        /// Requirements of selectors naming their metric, by that name.
        public var byName: [String: [Requirement]]
        /// Requirements of selectors naming no metric: they may match any series.
        public var unnamed: [Requirement]

        public init(byName: [String: [Requirement]], unnamed: [Requirement] = []) {
            self.byName = byName
            self.unnamed = unnamed
        }

        /// Every series of `metricNames` (every name when nil) kept for `windowMillis`.
        public init(metricNames: Set<String>?, windowMillis: Int64) {
            let all = Requirement(matchers: [], windowMillis: windowMillis)
            self.init(byName: Dictionary(uniqueKeysWithValues: (metricNames ?? []).map { ($0, [all]) }),
                      unnamed: metricNames == nil ? [all] : [])
        }

        /// The names kept, or nil when a selector without a name may keep any.
        public var metricNames: Set<String>? { unnamed.isEmpty ? Set(byName.keys) : nil }

        func keeps(_ name: String) -> Bool { !unnamed.isEmpty || byName[name] != nil }

        /// How far back to keep the series `labels`; nil when no selector reads it.
        func window(for labels: Labels) -> Int64? {
            var window: Int64?
            for requirement in (byName[labels.metricName] ?? []) + unnamed
            where requirement.matchers.allSatisfy({ $0.name == metricNameLabel || $0.matches(labels) }) {
                window = max(window ?? 0, requirement.windowMillis)
            }
            return window
        }
    }

    /// Protects the series, their samples, and what the last fleet snapshot held.
    private let state: Mutex<State>

    public init(retention: Retention) {
        state = Mutex(State(retention: retention))
    }

    /// Keeps only what `retention` asks for from now on, freeing series of names no longer needed.
    public func retain(_ retention: Retention) {
        state.withLock { $0.retain(retention) }
    }

    /// Appends one sample, if its metric name is kept (a rule's result, `ALERTS`, …).
    public func append(_ labels: Labels, timestamp: Int64, value: Double) {
        state.withLock { $0.append(labels, timestamp: timestamp, value: value) }
    }

    /// Records a snapshot of externally produced series (the fleet) at `timestamp`: each series gets its sample,
    /// and a series of one of `metricNames` that was in the previous snapshot but is gone now gets a stale
    /// marker, so queries stop seeing it at once, as after a Prometheus scrape.
    public func record(_ samples: [(labels: Labels, value: Double)], metricNames: Set<String>, at timestamp: Int64) {
        state.withLock { $0.record(samples, metricNames: metricNames, at: timestamp) }
    }

    /// The matching series with their samples in `from...through`, sorted by labels.
    public func select(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples] {
        state.withLock { $0.select(matchers, from: from, through: through) }
    }

    /// How many series and samples are held (for the exporter's own metrics and benchmarks).
    public var size: (series: Int, samples: Int) {
        state.withLock { state in (state.series.count, state.series.values.reduce(0) { $0 + $1.count }) }
    }
}

/// The samples of one series, oldest first; `start` skips samples already past the window.
struct SeriesHistory {
    /// How far back this series is kept, in milliseconds.
    var windowMillis: Int64
    var timestamps: [Int64] = []
    var values: [Double] = []
    var start = 0

    var count: Int { timestamps.count - start }
    var lastValue: Double? { count > 0 ? values.last : nil }

    mutating func append(_ timestamp: Int64, _ value: Double) {
        if let last = timestamps.last, count > 0, timestamp <= last {
            if timestamp == last { values[values.count - 1] = value }
            return
        }
        // Reuse the dead prefix before the arrays would grow: a series in its steady state then never
        // reallocates, and holds no more than its window plus the samples trimmed since the last compaction.
        if start > 0, timestamps.count == timestamps.capacity { compact() }
        timestamps.append(timestamp)
        values.append(value)
    }

    /// Forgets samples older than `oldest`; the space is reused by ``append(_:_:)``.
    mutating func trim(olderThan oldest: Int64) {
        while start < timestamps.count, timestamps[start] < oldest { start += 1 }
        if start == timestamps.count { compact() }
    }

    private mutating func compact() {
        timestamps.removeFirst(start)
        values.removeFirst(start)
        start = 0
    }

    func slice(from: Int64, through: Int64) -> (ArraySlice<Int64>, ArraySlice<Double>)? {
        let lower = firstIndex(notBefore: from)
        let upper = firstIndex(notBefore: through == .max ? .max : through + 1)
        guard lower < upper else { return nil }
        return (timestamps[lower..<upper], values[lower..<upper])
    }

    /// The first live index whose timestamp is at least `time` (binary search).
    private func firstIndex(notBefore time: Int64) -> Int {
        var low = start
        var high = timestamps.count
        while low < high {
            let middle = (low + high) / 2
            if timestamps[middle] < time { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
