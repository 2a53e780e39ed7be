extension SampleHistory.State {
    /// Opens the snapshot at `timestamp` on every column with members: room is made in lockstep with the
    /// members' values, then the timestamp is appended. Members then have one value less than their column
    /// until they get their sample.
    mutating func openColumns(at timestamp: Int64) {
        for column in columns.indices where !columns[column].members.isEmpty {
            guard (columns[column].newest ?? .min) < timestamp else { continue }
            if columns[column].isFull { makeRoom(in: column) }
            columns[column].append(timestamp)
        }
    }

    /// Closes the snapshot at `timestamp`: members without a sample in it leave their column, and each column
    /// drops what its window no longer covers.
    mutating func closeColumns(at timestamp: Int64) {
        for column in columns.indices where !columns[column].members.isEmpty {
            var kept: [SeriesID] = []
            kept.reserveCapacity(columns[column].members.count)
            for id in columns[column].members where isMember(id, of: column) {
                if table.slots[Int(id.slot)].lastAppend == timestamp {
                    kept.append(id)
                } else {
                    leaveColumn(id.slot)
                }
            }
            columns[column].members = kept
            columns[column].trim(olderThan: timestamp - columns[column].windowMillis)
        }
    }

    /// Appends a snapshot sample to the column of the series in `slot`, joining one if the series never had a
    /// sample; false when the series keeps its own timestamps.
    mutating func appendToColumn(_ slot: Int32, _ timestamp: Int64, _ value: Double) -> Bool {
        let index = Int(slot)
        if table.slots[index].aligned == nil {
            guard table.slots[index].lastAppend == .min, join(slot, at: timestamp) else { return false }
        }
        // Only the column and the count are read: a copy of the values would make the append copy them all.
        guard let column = table.slots[index].aligned?.column, columns[Int(column)].newest == timestamp,
            let had = table.slots[index].aligned?.count
        else { return false }
        let count = columns[Int(column)].count, room = columns[Int(column)].room
        guard had == count - 1 || had == count else { return false }
        table.withSlot(slot) { series in
            if had < count {
                series.aligned?.append(value, room: room)
            } else {
                series.aligned?.replaceLast(value, room: room)
            }
            series.lastAppend = timestamp
        }
        return true
    }

    /// Moves the series in `slot` out of its column, if it is in one, to arrays of its own.
    mutating func leaveColumn(_ slot: Int32) {
        guard let aligned = table.slots[Int(slot)].aligned else { return }
        let column = columns[Int(aligned.column)]
        let upper = min(aligned.count, column.count)
        let lower = min(max(column.start, Int(aligned.first)), upper)
        let values = aligned.values(lower..<upper)
        table.withSlot(slot) { series in
            series.aligned = nil
            series.samples = SampleColumns(timestamps: column.timestamps[lower..<upper], values: values)
        }
    }

    /// Makes the series in `slot`, which has no sample yet, a member of the column of its window.
    private mutating func join(_ slot: Int32, at timestamp: Int64) -> Bool {
        let window = table.slots[Int(slot)].windowMillis
        let column =
            columnsByWindow[window]
            ?? {
                columns.append(TimestampColumn(windowMillis: window))
                columnsByWindow[window] = Int32(columns.count - 1)
                return Int32(columns.count - 1)
            }()
        let index = Int(column)
        if columns[index].members.isEmpty {
            columns[index].restart(at: timestamp)
        } else if columns[index].newest != timestamp {
            return false
        }
        let padding = columns[index].count - 1
        table.withSlot(slot) { $0.aligned = AlignedValues(padding: padding, column: column) }
        columns[index].members.append(SeriesID(slot: slot, generation: table.slots[Int(slot)].generation))
        return true
    }

    /// Makes room in `column` and, the same way, in its members' values.
    private mutating func makeRoom(in column: Int) {
        let room = columns[column].makeRoom()
        for id in columns[column].members where isMember(id, of: column) {
            table.withSlot(id.slot) { $0.aligned?.make(room) }
        }
    }

    /// Whether `id` is a live series aligned to `column`.
    func isMember(_ id: SeriesID, of column: Int) -> Bool {
        table.isLive(id) && table.slots[Int(id.slot)].aligned?.column == Int32(column)
    }
}

extension SampleHistory.State {
    /// The live samples of every series, and the bytes of the sample arrays (own timestamps and values, shared
    /// columns, members' values), in one pass over the series.
    var usage: (samples: Int, bytes: Int) {
        var samples = 0
        var bytes = columns.reduce(0) { $0 + $1.capacity * 8 }
        for slot in table.slots.indices {
            bytes += table.slots[slot].samples.bytes
            guard let aligned = table.slots[slot].aligned else {
                samples += table.slots[slot].samples.count
                continue
            }
            let column = columns[Int(aligned.column)]
            samples += column.count - max(column.start, Int(aligned.first))
            bytes += aligned.bytes
        }
        return (samples, bytes)
    }
}
