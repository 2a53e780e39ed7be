import Model

/// A bounded in-memory history of samples, the store the rule engine queries.
///
/// It keeps only the series the loaded rules read, and only as far back as their longest range plus the
/// lookback; everything else is dropped when the rules change (``retain(_:)``). Fleet series are recorded
/// at each evaluation as a snapshot (``record(_:at:labels:)``), by ids the history hands out, so that the
/// steady state hashes no label set; rule results are appended by labels (``append(_:timestamp:value:)``).
///
/// A series that had a sample in every snapshot since it appeared (the fleet's, almost always) shares the
/// snapshots' timestamps with the others of its window and keeps only its values, in the narrowest form that
/// holds them bit for bit (``AlignedValues``: nothing while they repeat, 4 bytes a value while each is a Float
/// exactly, else 8); any other series holds its samples in two arrays sliding along its window (about 18 bytes
/// a sample). Each metric name keeps its series sorted by labels, so ``select(_:from:through:)`` neither sorts
/// nor copies samples: it hands out views (``SampleValues``).
public final class SampleHistory: Queryable, Sendable {
    /// Protects the series, their samples, the retention and what the last fleet snapshot held: queries read it
    /// side by side, samples are written alone.
    let state: ReadWriteLocked<State>

    /// An empty history that keeps what `retention` asks for.
    public init(retention: Retention) {
        state = ReadWriteLocked(State(retention: retention))
    }

    /// Keeps only what `retention` asks for from now on, freeing series no longer needed. Ids of freed series
    /// and ids saying a series is not kept go stale; ``record(_:at:labels:)`` resolves them again.
    public func retain(_ retention: Retention) {
        state.write { $0.retain(retention) }
    }

    /// What the history keeps now (see ``retain(_:)``).
    public var retention: Retention {
        state.read { $0.retention }
    }

    /// Appends one sample, if its series is kept (a rule's result, `ALERTS`, …). A sample not newer than the
    /// series' newest is dropped, except one at the same timestamp, which replaces the value.
    public func append(_ labels: Labels, timestamp: Int64, value: Double) {
        state.write { $0.append(labels, timestamp: timestamp, value: value) }
    }

    /// Appends samples of one timestamp as ``append(_:timestamp:value:)`` does, under one lock (a rule's results:
    /// a rule thread taking the lock once per sample would wait for the other's selections each time).
    public func append(contentsOf samples: some Sequence<(labels: Labels, value: Double)>, timestamp: Int64) {
        state.write { state in
            for (labels, value) in samples { state.append(labels, timestamp: timestamp, value: value) }
        }
    }

    /// Records a snapshot of externally produced series (the fleet) at `timestamp`: each series gets its sample,
    /// and a series the previous snapshot held that this one lacks gets a stale marker, so queries stop seeing
    /// it at once, as after a Prometheus scrape.
    ///
    /// Ids in `snapshot` that are unresolved or no longer valid are resolved from `labels(index)` (called with
    /// the sample's index, under the history's lock) and written back into `snapshot`, so that the caller can
    /// keep them for the next snapshot.
    public func record(_ snapshot: inout SeriesSnapshot, at timestamp: Timestamp, labels: (Int) -> Labels) {
        state.write { $0.record(&snapshot, at: timestamp.milliseconds, labels: labels) }
    }

    /// Records a snapshot given by labels (``record(_:at:labels:)`` without ids kept between snapshots).
    public func record(_ samples: [(labels: Labels, value: Double)], at timestamp: Timestamp) {
        var snapshot = SeriesSnapshot(capacity: samples.count)
        for sample in samples { snapshot.append(.unresolved, sample.value) }
        record(&snapshot, at: timestamp) { samples[$0].labels }
    }

    /// The matching series with their samples in `from...through`, sorted by labels.
    public func select(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples] {
        // The write lock only when the metric's index has to be brought up to date first (new series since).
        if let selected = state.read({ $0.selectIfIndexed(matchers, from: from, through: through) }) { return selected }
        return state.write { $0.select(matchers, from: from, through: through) }
    }

    /// Visits the newest sample in `from...through` of each matching series, in label order, without building
    /// its samples (``Queryable/forEachLatest(_:from:through:_:)``); `visit` runs under the history's lock.
    public func forEachLatest(
        _ matchers: [LabelMatcher], from: Int64, through: Int64,
        _ visit: (_ labels: Labels, _ timestamp: Int64, _ value: Double) -> Void
    ) {
        let visited = state.read { $0.forEachLatestIfIndexed(matchers, from: from, through: through, visit) }
        if !visited { state.write { $0.forEachLatest(matchers, from: from, through: through, visit) } }
    }

    /// How many series and samples are held (for the exporter's own metrics and benchmarks).
    public var size: (series: Int, samples: Int) {
        state.read { ($0.table.count, $0.usage.samples) }
    }

    /// The bytes of the arrays holding samples (timestamps and values, the slack of each included): what the
    /// samples cost, without the series' labels and bookkeeping.
    public var sampleBytes: Int {
        state.read { $0.usage.bytes }
    }

    /// The series and samples held and the bytes of their arrays, counted in one pass under one lock (what a
    /// scrape reports).
    public var usage: (series: Int, samples: Int, bytes: Int) {
        state.read { state in
            let usage = state.usage
            return (state.table.count, usage.samples, usage.bytes)
        }
    }
}
