/// Names a series of a ``SampleHistory`` without its labels, for a caller that appends to the same series at
/// every evaluation (the fleet sampler) and so need not hash the label set each time.
///
/// An id stays valid while its series is kept. Once the series is dropped (its window passed without
/// samples, or the rules no longer read it) the id no longer names anything, even if its slot is reused: the
/// history then asks the caller for the labels again (``SampleHistory/record(_:at:labels:)``). An id may
/// also say that the history does not keep the series at all, valid until the rules change.
public struct SeriesID: Hashable, Sendable, CustomStringConvertible {
    /// The series' place in the history; ``notKeptSlot`` for a series the history does not keep.
    let slot: Int32
    /// The slot's generation when the id was handed out (for a series not kept: the retention's).
    let generation: UInt32

    static let notKeptSlot: Int32 = -1

    /// An id the history has not resolved yet: it asks for the labels at the first record.
    public static let unresolved = SeriesID(slot: notKeptSlot, generation: .max)

    init(slot: Int32, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }

    /// The generation after `generation`, skipping the one ``unresolved`` uses.
    static func nextGeneration(after generation: UInt32) -> UInt32 {
        generation &+ 1 == unresolved.generation ? 0 : generation &+ 1
    }

    /// Whether the history keeps the series (as of the id's generation).
    var isKept: Bool { slot != Self.notKeptSlot }

    public var description: String { isKept ? "series \(slot)/\(generation)" : "not kept/\(generation)" }
}

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
