import Model

extension SampleHistory {
    /// Everything behind the lock.
    struct State {
        var retention: Retention
        /// Bumped when the retention changes, so that ids saying "not kept" go stale.
        var retentionGeneration: UInt32 = 0
        var table = SeriesTable()
        /// The shared timestamps of snapshot series, one column per window.
        var columns: [TimestampColumn] = []
        var columnsByWindow: [Int64: Int32] = [:]
        /// The series the last snapshot held, to mark the vanished ones stale.
        var lastSnapshot: [SeriesID] = []
        /// Counts the snapshots recorded (the first is 1), to tell which series the current one holds.
        var snapshotSerial: UInt32 = 0
        /// The newest timestamp seen; windows end there.
        var newest: Int64 = .min

        init(retention: Retention) {
            self.retention = retention
        }

        mutating func retain(_ new: Retention) {
            retention = new
            retentionGeneration = SeriesID.nextGeneration(after: retentionGeneration)
            for slot in table.slots.indices where table.slots[slot].inUse {
                guard let window = new.window(for: table.slots[slot].labels) else {
                    table.remove(slot: Int32(slot))
                    continue
                }
                if window != table.slots[slot].windowMillis { leaveColumn(Int32(slot)) }
                table.withSlot(Int32(slot)) { $0.windowMillis = window }
            }
            lastSnapshot.removeAll { !table.isLive($0) }
            sweep(skippingAppendedAtNewest: false)
        }

        mutating func append(_ labels: Labels, timestamp: Int64, value: Double) {
            guard retention.keeps(labels.metricName) else { return }
            let id = resolve(labels)
            guard id.isKept else { return }
            appendSample(id.slot, timestamp, value, inSnapshot: false)
            advance(to: timestamp)
        }

        mutating func record(_ snapshot: inout SeriesSnapshot, at timestamp: Int64, labels: (Int) -> Labels) {
            openColumns(at: timestamp)
            snapshotSerial &+= 1
            var present: [SeriesID] = []
            present.reserveCapacity(snapshot.count)
            snapshot.resolvedCount = 0
            for index in snapshot.ids.indices {
                var id = snapshot.ids[index]
                if !isCurrent(id) {
                    id = resolve(labels(index))
                    snapshot.ids[index] = id
                    snapshot.resolvedCount += 1
                }
                guard id.isKept else { continue }
                appendSample(id.slot, timestamp, snapshot.values[index], inSnapshot: true)
                table.withSlot(id.slot) { [serial = snapshotSerial] in $0.lastSnapshot = serial }
                present.append(id)
            }
            markVanishedStale(at: timestamp)
            closeColumns(at: timestamp)
            lastSnapshot = present
            advance(to: timestamp)
        }

        /// Appends a stale marker to each series of the previous snapshot missing from the one at `timestamp`.
        private mutating func markVanishedStale(at timestamp: Int64) {
            for id in lastSnapshot where table.isLive(id) && table.slots[Int(id.slot)].lastSnapshot != snapshotSerial {
                let index = Int(id.slot)
                let last = table.slots[index].aligned?.last ?? table.slots[index].samples.lastValue
                if let last, !isStaleMarker(last) { appendSample(id.slot, timestamp, staleMarker, inSnapshot: true) }
            }
        }

        /// Whether `id` can be used as is: a live series, or "not kept" under the current retention.
        private func isCurrent(_ id: SeriesID) -> Bool {
            id.isKept ? table.isLive(id) : id.generation == retentionGeneration
        }

        /// The id of the series `labels`, interning it if the retention keeps it.
        mutating func resolve(_ labels: Labels) -> SeriesID {
            if let id = table.id(of: labels) { return id }
            guard let window = retention.window(for: labels) else {
                return SeriesID(slot: SeriesID.notKeptSlot, generation: retentionGeneration)
            }
            return table.insert(labels, windowMillis: window)
        }

        /// Appends to the series in `slot`: a snapshot sample to its column when it shares one (or can join one),
        /// any other sample to its own arrays, trimmed to its window.
        mutating func appendSample(_ slot: Int32, _ timestamp: Int64, _ value: Double, inSnapshot: Bool) {
            if inSnapshot, appendToColumn(slot, timestamp, value) { return }
            leaveColumn(slot)
            let end = max(newest, timestamp)
            table.withSlot(slot) { series in
                series.samples.append(timestamp, value)
                series.samples.trim(olderThan: end - series.windowMillis)
                series.lastAppend = max(series.lastAppend, timestamp)
            }
        }

        /// Moves the end of the windows to `timestamp` if it is newer, trimming the series that were not just
        /// appended to (those trimmed themselves) and dropping those left without samples.
        mutating func advance(to timestamp: Int64) {
            guard timestamp > newest else { return }
            newest = timestamp
            sweep(skippingAppendedAtNewest: true)
        }

        private mutating func sweep(skippingAppendedAtNewest skipping: Bool) {
            guard newest != .min else { return }
            for column in columns.indices { columns[column].trim(olderThan: newest - columns[column].windowMillis) }
            for slot in table.slots.indices where table.slots[slot].inUse && table.slots[slot].aligned == nil {
                if skipping, table.slots[slot].lastAppend >= newest { continue }
                let empty = table.withSlot(Int32(slot)) { series in
                    series.samples.trim(olderThan: newest - series.windowMillis)
                    return series.samples.isEmpty
                }
                if empty { table.remove(slot: Int32(slot)) }
            }
        }
    }
}
