/// Samples as storage hands them to the query engine: the staleness marker, one series' samples in a
/// time range, and ``Queryable``, the read interface between them.

/// The bit pattern Prometheus uses to mark a series as stale.
public let staleMarkerBits: UInt64 = 0x7ff0_0000_0000_0002

/// A staleness marker value (a NaN with a special payload).
public let staleMarker = Double(bitPattern: staleMarkerBits)

/// Whether `value` is the staleness marker (not just any NaN).
@inlinable
public func isStaleMarker(_ value: Double) -> Bool {
    value.bitPattern == staleMarkerBits
}

/// The samples of one series inside a time range, in time order.
public struct SeriesSamples: Sendable {
    /// The series' labels.
    public var labels: Labels
    /// Sample timestamps in milliseconds, ascending.
    public var timestamps: ArraySlice<Int64>
    /// Sample values, index for index with `timestamps`.
    public var values: SampleValues

    /// Creates a range series.
    public init(labels: Labels, timestamps: ArraySlice<Int64>, values: SampleValues) {
        self.labels = labels
        self.timestamps = timestamps
        self.values = values
    }

    /// Creates a range series of values held as they are.
    public init(labels: Labels, timestamps: ArraySlice<Int64>, values: ArraySlice<Double>) {
        self.init(labels: labels, timestamps: timestamps, values: SampleValues(values))
    }
}

/// Read access to stored series, the only thing the evaluator needs from storage.
///
/// Timestamps are milliseconds since the Unix epoch, as in Prometheus. Values may include
/// stale markers (``staleMarker``); the evaluator handles them.
public protocol Queryable: Sendable {
    /// The series matching all `matchers`, with their samples whose timestamps lie in `from...through`.
    ///
    /// Series without samples in the range may be omitted. The result must be sorted by labels
    /// (``Labels`` `<`), so that results come out in Prometheus' order.
    func select(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples]

    /// Visits, for each series matching all `matchers`, in the order of ``select(_:from:through:)``, its newest
    /// sample at or before `through` if that is not before `from`: what an instant vector selector reads (the
    /// caller leaves out stale markers). `visit` must not call back into the storage.
    ///
    /// The default reads ``select(_:from:through:)``; a storage can do without building each series' samples.
    func forEachLatest(
        _ matchers: [LabelMatcher], from: Int64, through: Int64,
        _ visit: (_ labels: Labels, _ timestamp: Int64, _ value: Double) -> Void)
}

extension Queryable {
    public func forEachLatest(
        _ matchers: [LabelMatcher], from: Int64, through: Int64,
        _ visit: (_ labels: Labels, _ timestamp: Int64, _ value: Double) -> Void
    ) {
        let series = select(matchers, from: from, through: through)
        // Read in place: iterating by value would copy (retain and release) each series' labels and arrays.
        series.withUnsafeBufferPointer { series in
            for index in series.indices {
                let timestamps = series[index].timestamps, values = series[index].values
                guard let last = timestamps.indices.last(where: { timestamps[$0] <= through }),
                    timestamps[last] >= from
                else { continue }
                visit(series[index].labels, timestamps[last], values[last])
            }
        }
    }
}
