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

    /// `series SLOT/GENERATION`, or `not kept/GENERATION`, for messages.
    public var description: String { isKept ? "series \(slot)/\(generation)" : "not kept/\(generation)" }
}
