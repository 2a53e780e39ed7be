import Model

/// One kept series: its labels, how far back it is kept, and its samples. Fields are ordered by size: there is
/// one slot per series, 230,000 of them for 10,000 agents.
struct SeriesSlot {
    var labels: Labels
    /// How far back the series is kept, in milliseconds.
    var windowMillis: Int64
    /// The timestamp of the last sample appended, to skip series the last append already trimmed.
    var lastAppend: Int64 = .min
    /// The samples, when the series keeps its own timestamps.
    var samples = SampleColumns()
    /// The values, when the series shares a ``TimestampColumn`` (then ``samples`` is empty).
    var aligned: AlignedValues?
    /// Index of the metric name in ``SeriesTable``'s names.
    var nameIndex: Int32
    /// Bumped each time the slot is freed, so that ids and index entries of its former series go stale.
    var generation: UInt32
    /// The serial number of the last snapshot that held the series (``SampleHistory/record(_:at:labels:)``).
    var lastSnapshot: UInt32 = 0
    var inUse: Bool

    init(labels: Labels, nameIndex: Int32, generation: UInt32, inUse: Bool, windowMillis: Int64) {
        self.labels = labels
        self.windowMillis = windowMillis
        self.nameIndex = nameIndex
        self.generation = generation
        self.inUse = inUse
    }
}

/// The series of a ``SampleHistory``: slots addressed by ``SeriesID``, a table interning label sets to ids,
/// and for each metric name its series sorted by labels (what `select` answers from, without sorting).
struct SeriesTable {
    private(set) var slots: [SeriesSlot] = []
    private var freeSlots: [Int32] = []
    private var ids: [Labels: SeriesID] = [:]
    private var nameIndexes: [String: Int32] = [:]
    private(set) var byName: [NameIndex] = []
    /// The number of series held.
    private(set) var count = 0

    /// The id of the series `labels`, nil when it is not held.
    func id(of labels: Labels) -> SeriesID? { ids[labels] }

    /// Whether `id` still names a held series.
    func isLive(_ id: SeriesID) -> Bool {
        id.isKept && slots[Int(id.slot)].generation == id.generation && slots[Int(id.slot)].inUse
    }

    /// The index of the series of `name`, nil when none was ever held.
    func nameIndex(of name: String) -> Int32? { nameIndexes[name] }

    /// Adds the series `labels` (not held yet), kept `windowMillis` back.
    mutating func insert(_ labels: Labels, windowMillis: Int64) -> SeriesID {
        let name = nameIndex(creating: labels.metricName)
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            slots[Int(slot)].labels = labels
            slots[Int(slot)].nameIndex = name
            slots[Int(slot)].inUse = true
            slots[Int(slot)].windowMillis = windowMillis
        } else {
            slot = Int32(slots.count)
            slots.append(
                SeriesSlot(labels: labels, nameIndex: name, generation: 0, inUse: true, windowMillis: windowMillis))
        }
        let id = SeriesID(slot: slot, generation: slots[Int(slot)].generation)
        ids[labels] = id
        byName[Int(name)].add(id)
        count += 1
        return id
    }

    /// Drops the series in `slot`: its samples are freed, its ids and index entries go stale.
    mutating func remove(slot: Int32) {
        let index = Int(slot)
        guard slots[index].inUse else { return }
        ids[slots[index].labels] = nil
        byName[Int(slots[index].nameIndex)].noteRemoval()
        slots[index].inUse = false
        slots[index].generation &+= 1
        slots[index].labels = .empty
        slots[index].samples = SampleColumns()
        slots[index].aligned = nil
        slots[index].lastAppend = .min
        slots[index].lastSnapshot = 0
        freeSlots.append(slot)
        count -= 1
    }

    /// Runs `body` on the slot of a live id.
    mutating func withSlot<Result>(_ slot: Int32, _ body: (inout SeriesSlot) -> Result) -> Result {
        body(&slots[Int(slot)])
    }

    /// Brings the sorted list of the series of `name` up to date (new series merged in, dropped ones out).
    mutating func refreshIndex(_ name: Int32) {
        guard byName[Int(name)].needsRefresh else { return }
        let slots = self.slots
        byName[Int(name)].refresh { id in
            slots[Int(id.slot)].generation == id.generation && slots[Int(id.slot)].inUse
        } labels: { id in
            slots[Int(id.slot)].labels
        }
    }

    /// The ids of the series of `name` that may match `matchers`, in label order: those with the value an
    /// equality matcher asks for (a non-empty one) when there is such a matcher, else all. Some may be stale.
    mutating func candidates(of name: Int32, matching matchers: [LabelMatcher]) -> [SeriesID] {
        refreshIndex(name)
        guard let equality = matchers.first(where: { $0.type == .equal && !$0.value.isEmpty }) else {
            return byName[Int(name)].sorted
        }
        let slots = self.slots
        byName[Int(name)].index(equality.name) { id in
            slots[Int(id.slot)].generation == id.generation && slots[Int(id.slot)].inUse
        } labels: { id in
            slots[Int(id.slot)].labels
        }
        return byName[Int(name)].postings[equality.name]?[equality.value] ?? []
    }

    /// ``candidates(of:matching:)`` as the index of `name` has them, without changing it: nil when it must be
    /// refreshed first or lacks the postings of the equality matcher.
    func indexedCandidates(of name: Int32, matching matchers: [LabelMatcher]) -> [SeriesID]? {
        guard !byName[Int(name)].needsRefresh else { return nil }
        guard let equality = matchers.first(where: { $0.type == .equal && !$0.value.isEmpty }) else {
            return byName[Int(name)].sorted
        }
        guard let postings = byName[Int(name)].postings[equality.name] else { return nil }
        return postings[equality.value] ?? []
    }

    private mutating func nameIndex(creating name: String) -> Int32 {
        if let index = nameIndexes[name] { return index }
        let index = Int32(byName.count)
        nameIndexes[name] = index
        byName.append(NameIndex())
        return index
    }
}
