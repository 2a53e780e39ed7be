/// The timestamps of the snapshots, shared by the series of one window that had a sample in every snapshot
/// since they appeared (the fleet's series, almost always): each such series keeps only its values, index for
/// index with the column, so a sample costs 8 bytes instead of 16.
///
/// The column and its members' value arrays slide together: same start, same count, same capacity, and they
/// make room at the same moment (``SampleHistory``'s snapshot recording does that in lockstep). A member that
/// misses a snapshot leaves the column and keeps its own timestamps from then on.
struct TimestampColumn {
    /// The window of every member.
    let windowMillis: Int64
    private(set) var timestamps: [Int64] = []
    /// Index of the oldest live timestamp.
    private(set) var start = 0
    /// The member series (some may be stale ids, pruned as the column is walked).
    var members: [SeriesID] = []

    init(windowMillis: Int64) {
        self.windowMillis = windowMillis
    }

    /// The room asked for: the column and every member hold at least this much. Fullness is judged by it, not
    /// by the arrays' capacities, which malloc may round up differently for each array: a member whose array
    /// filled up before the column would otherwise grow by doubling.
    private(set) var room = 0

    var count: Int { timestamps.count }
    var newest: Int64? { timestamps.last }
    var isFull: Bool { timestamps.count >= room }
    var capacity: Int { timestamps.capacity }

    /// Starts the column afresh at `timestamp` (it has no members).
    mutating func restart(at timestamp: Int64) {
        room = 4
        timestamps = []
        timestamps.reserveCapacity(room)
        timestamps.append(timestamp)
        start = 0
    }

    mutating func append(_ timestamp: Int64) { timestamps.append(timestamp) }

    /// Forgets timestamps older than `oldest` (the members' values there are dead too).
    mutating func trim(olderThan oldest: Int64) {
        while start < timestamps.count, timestamps[start] < oldest { start += 1 }
    }

    /// How the column makes room for one more snapshot; the members' values must do the same.
    enum Room {
        /// Drop the first `count` entries in place.
        case shift(Int)
        /// Copy the live entries (from `start`) to arrays of `capacity`.
        case reallocate(start: Int, capacity: Int)

        /// How many entries at the front go.
        var dropped: Int {
            switch self {
            case .shift(let count): count
            case .reallocate(let start, _): start
            }
        }
    }

    /// Makes room: reuses the dead prefix when it is at least one eighth of the live entries, else reallocates
    /// with that much slack (as ``SampleColumns`` does), and at least for a full window at the pace of the
    /// snapshots so far (shrinking to it when an earlier, rougher estimate reserved over a quarter more): the column and its members then take their steady-state memory once, early, instead of
    /// growing by steps while the window fills. Returns what the members must do in turn.
    mutating func makeRoom() -> Room {
        let live = count - start
        let slack = live / SampleColumns.slackDivisor + 2
        let window = fullWindow.map { $0 + $0 / SampleColumns.slackDivisor + 2 }
        let capacity = max(live + slack, window ?? 0)
        // A window reserved from an uneven early pace is given back once the pace is known better.
        let oversized = window.map { room > $0 + $0 / 4 } ?? false
        let made: Room =
            start >= slack && !oversized ? .shift(start) : .reallocate(start: start, capacity: capacity)
        timestamps.make(made)
        if case .reallocate(_, let capacity) = made { room = capacity }
        start = 0
        return made
    }

    /// The entries a full window holds at the average pace of the live snapshots; nil before there are
    /// ``paceSamples`` intervals to average (rule groups evaluated at offsets of each other make an uneven pace),
    /// or when that pace would ask for more than ``maximumWindowEntries``.
    private var fullWindow: Int? {
        let intervals = Int64(timestamps.count - start - 1)
        guard intervals >= Self.paceSamples, let newest, newest > timestamps[start] else { return nil }
        let entries = windowMillis * intervals / (newest - timestamps[start]) + 2
        return entries <= Self.maximumWindowEntries ? Int(entries) : nil
    }

    /// The intervals between snapshots averaged before a full window is reserved: a column makes room first
    /// when it holds 4 snapshots, so the window is reserved then.
    static let paceSamples: Int64 = 3

    /// The most entries a column reserves ahead of need (a window of a day at one snapshot a second).
    static let maximumWindowEntries: Int64 = 86_400

    /// The index range of the timestamps in `from...through` at or after `lowest`, empty when there are none.
    func range(from: Int64, through: Int64, lowest: Int) -> Range<Int> {
        let lower = firstIndex(notBefore: from, after: max(lowest, start))
        let upper = (newest ?? .min) <= through ? count : firstIndex(notBefore: through + 1, after: lower)
        return lower..<max(lower, upper)
    }

    private func firstIndex(notBefore time: Int64, after lowest: Int) -> Int {
        var low = lowest
        var high = timestamps.count
        while low < high {
            let middle = (low + high) / 2
            if timestamps[middle] < time { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension Array {
    /// Makes the room a ``TimestampColumn`` made, for the column's timestamps and each member's values alike.
    mutating func make(_ room: TimestampColumn.Room) {
        switch room {
        case .shift(let count):
            removeFirst(Swift.min(count, self.count))
        case .reallocate(let start, let capacity):
            var copy: [Element] = []
            copy.reserveCapacity(capacity)
            copy.append(contentsOf: self[Swift.min(start, self.count)...])
            self = copy
        }
    }
}
