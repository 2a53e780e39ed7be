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
}
