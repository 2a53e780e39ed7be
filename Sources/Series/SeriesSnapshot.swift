/// The samples of one snapshot of series produced outside the rules (the fleet), by series id.
///
/// The caller keeps the ids between snapshots: ``SampleHistory/record(_:at:labels:)`` resolves the
/// unresolved and outdated ones in place, and reports how many it had to resolve.
public struct SeriesSnapshot: Sendable {
    /// The series of each sample.
    public var ids: [SeriesID] = []
    /// The values, parallel to ``ids``.
    public var values: [Double] = []
    /// How many ids the last record had to resolve from labels (0 in the steady state).
    public internal(set) var resolvedCount = 0

    /// An empty snapshot with room for `capacity` samples.
    public init(capacity: Int = 0) {
        ids.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// Adds the sample `value` of the series `id` (``SeriesID/unresolved`` for a series seen first).
    public mutating func append(_ id: SeriesID, _ value: Double) {
        ids.append(id)
        values.append(value)
    }

    /// The number of samples.
    public var count: Int { ids.count }
}
