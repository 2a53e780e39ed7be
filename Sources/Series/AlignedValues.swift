import Model

/// A member's values, index for index with its ``TimestampColumn``, in the narrowest form that keeps every
/// value bit for bit.
///
/// Most fleet series barely move within a window: a health state's 0 or 1, a histogram bucket no task has
/// reached, a counter of whole tasks. So a member starts as one value repeated (no array at all), becomes an
/// array of `Float` (4 bytes a value) when a different value arrives that a `Float` holds exactly (whole numbers
/// up to 2²⁴, halves, 0 and 1, NaN), and an array of `Double` only when a value needs it (a cost in dollars).
/// It never narrows again while it stays in its column. Entries before ``first`` pad the member to the column's
/// layout; their value is never read.
struct AlignedValues {
    /// How the values are held.
    enum Form {
        /// `count` entries; every one from ``first`` on is `value`.
        case constant(Double, count: Int32)
        /// Each value as a `Float` (the stale marker as ``narrowStaleMarker``).
        case narrow([Float])
        /// Each value as it is.
        case wide([Double])
    }

    private(set) var form: Form
    /// The index of the member's first real value: those before it pad the array to the column's layout.
    var first: Int32
    /// The column's index in the history.
    var column: Int32

    /// A member that joins its column at entry `padding` (the column's newest), with no value yet.
    init(padding: Int, column: Int32) {
        form = .constant(.nan, count: Int32(padding))
        first = Int32(padding)
        self.column = column
    }

    /// A member holding `values` after `padding` entries, with room for `room` entries in all.
    init<Values: Collection<Double>>(padding: Int, values: Values, room: Int, column: Int32) {
        self.init(padding: padding, column: column)
        for value in values { append(value, room: room) }
    }

    /// The number of entries, padding included.
    var count: Int {
        switch form {
        case .constant(_, let count): Int(count)
        case .narrow(let values): values.count
        case .wide(let values): values.count
        }
    }

    /// The newest value, nil when the member has none yet.
    var last: Double? {
        guard count > Int(first) else { return nil }
        switch form {
        case .constant(let value, _): return value
        case .narrow(let values): return values.last.map(NarrowValue.widen)
        case .wide(let values): return values.last
        }
    }

    /// The bytes held for values beyond the struct itself (for memory accounting).
    var bytes: Int {
        switch form {
        case .constant: 0
        case .narrow(let values): values.capacity * MemoryLayout<Float>.stride
        case .wide(let values): values.capacity * MemoryLayout<Double>.stride
        }
    }

    /// The value of entry `index` (at or after ``first``).
    func value(at index: Int) -> Double {
        switch form {
        case .constant(let value, _): value
        case .narrow(let values): NarrowValue.widen(values[index])
        case .wide(let values): values[index]
        }
    }

    /// The values at `range` (entries at or after ``first``), with the indices of the entries: a view.
    func values(_ range: Range<Int>) -> SampleValues {
        switch form {
        case .constant(let value, _): SampleValues(repeating: value, indices: range)
        case .narrow(let values): SampleValues(narrow: values[range])
        case .wide(let values): SampleValues(values[range])
        }
    }

    /// Appends the value of the column's newest entry. `room` is the column's room, which an array made here
    /// must hold so that it fills up with the column and not before it.
    mutating func append(_ value: Double, room: Int) {
        switch form {
        case .constant(let held, let count):
            if Int(count) == Int(first) || held.bitPattern == value.bitPattern {
                form = .constant(value, count: count + 1)
                return
            }
        case .narrow(var values):
            if let narrow = NarrowValue.narrow(value) {
                form = .constant(0, count: 0)  // the array's only reference is `values`: no copy on append
                values.append(narrow)
                form = .narrow(values)
                return
            }
        case .wide(var values):
            form = .constant(0, count: 0)
            values.append(value)
            form = .wide(values)
            return
        }
        widen(toHold: value, room: room)
        append(value, room: room)
    }

    /// Replaces the newest value (a second sample at the column's newest timestamp).
    mutating func replaceLast(_ value: Double, room: Int) {
        guard count > Int(first) else { return }
        switch form {
        case .constant(let held, _):
            if held.bitPattern == value.bitPattern { return }
        case .narrow(var values):
            if let narrow = NarrowValue.narrow(value) {
                form = .constant(0, count: 0)
                values[values.count - 1] = narrow
                form = .narrow(values)
                return
            }
        case .wide(var values):
            form = .constant(0, count: 0)
            values[values.count - 1] = value
            form = .wide(values)
            return
        }
        widen(toHold: value, room: room)
        replaceLast(value, room: room)
    }

    /// Makes the room its column made.
    mutating func make(_ room: TimestampColumn.Room) {
        switch form {
        case .constant(let value, let count):
            form = .constant(value, count: count - Int32(min(room.dropped, Int(count))))
        case .narrow(var values):
            form = .constant(0, count: 0)
            values.make(room)
            form = .narrow(values)
        case .wide(var values):
            form = .constant(0, count: 0)
            values.make(room)
            form = .wide(values)
        }
        first = Int32(max(0, Int(first) - room.dropped))
    }

    /// Moves to the next wider form that holds `value` besides the values held.
    private mutating func widen(toHold value: Double, room: Int) {
        let capacity = max(room, count + 1)
        switch form {
        case .constant(let held, let count):
            let padding = Int(first), repeated = Int(count) - padding
            if let narrowHeld = NarrowValue.narrow(held), NarrowValue.narrow(value) != nil {
                var values: [Float] = []
                values.reserveCapacity(capacity)
                values.append(contentsOf: repeatElement(.nan, count: padding))
                values.append(contentsOf: repeatElement(narrowHeld, count: repeated))
                form = .narrow(values)
            } else {
                var values: [Double] = []
                values.reserveCapacity(capacity)
                values.append(contentsOf: repeatElement(.nan, count: padding))
                values.append(contentsOf: repeatElement(held, count: repeated))
                form = .wide(values)
            }
        case .narrow(let narrow):
            var values: [Double] = []
            values.reserveCapacity(capacity)
            values.append(contentsOf: narrow.lazy.map(NarrowValue.widen))
            form = .wide(values)
        case .wide:
            break
        }
    }
}
