import PromQL
import Synchronization

/// A bounded in-memory history of samples, the store the rule engine queries.
///
/// It keeps only the metric names the loaded rules read, and only as far back as their longest range plus the
/// lookback; everything else is dropped when the rules change (``retain(_:)``). Fleet series are sampled into
/// it at each evaluation (``record(_:metricNames:at:)``); rule results are appended as they are produced.
public final class SampleHistory: Queryable, Sendable {
    /// What to keep.
    public struct Retention: Sendable, Equatable {
        /// Metric names to keep; nil keeps every name.
        public var metricNames: Set<String>?
        /// How far back to keep samples, in milliseconds.
        public var windowMillis: Int64

        public init(metricNames: Set<String>?, windowMillis: Int64) {
            self.metricNames = metricNames
            self.windowMillis = windowMillis
        }

        func keeps(_ name: String) -> Bool { metricNames?.contains(name) ?? true }
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
        timestamps.append(timestamp)
        values.append(value)
    }

    /// Forgets samples older than `oldest`, compacting the arrays once half of them are dead.
    mutating func trim(olderThan oldest: Int64) {
        while start < timestamps.count, timestamps[start] < oldest { start += 1 }
        if start > 64, start * 2 > timestamps.count {
            timestamps.removeFirst(start)
            values.removeFirst(start)
            start = 0
        }
    }

    func slice(from: Int64, through: Int64) -> (ArraySlice<Int64>, ArraySlice<Double>)? {
        var lower = start
        while lower < timestamps.count, timestamps[lower] < from { lower += 1 }
        var upper = timestamps.count
        while upper > lower, timestamps[upper - 1] > through { upper -= 1 }
        guard lower < upper else { return nil }
        return (timestamps[lower..<upper], values[lower..<upper])
    }
}
