import Model

extension SampleHistory {
    /// The version byte that starts a checkpoint; a checkpoint of another version is refused.
    public static let checkpointVersion: UInt8 = 1

    /// The whole history in a compact binary form, to be kept across a restart: for each series its labels,
    /// whether the last fleet snapshot held it, and its samples (timestamps in milliseconds as
    /// delta-of-deltas, values XORed with the previous one, stale markers kept as they are).
    ///
    /// Layout: the version byte, the series count, then per series a flags byte (bit 0: in the last
    /// snapshot), the label count and each name and value (length-prefixed UTF-8), the sample count, the
    /// first timestamp and the values' first 8 bytes, then per further sample its delta-of-delta and value.
    public func checkpoint() -> [UInt8] {
        state.read { $0.checkpoint() }
    }

    /// Adds the series and samples of `checkpoint` (written by ``checkpoint()``), before any evaluation:
    /// what the current retention does not keep is dropped, and a series the checkpoint's last snapshot held
    /// gets a stale marker if the next snapshot lacks it. Nothing is invented for the time between the
    /// checkpoint and now: a range over that gap sees the samples on each side, as across a scrape gap.
    /// - Parameter abandonWhen: asked now and then while the checkpoint is read; true stops the restore (a
    ///   shutdown need not wait for it) and leaves the history unchanged.
    /// - Returns: how many series and samples were restored.
    /// - Throws: ``HistoryCheckpointError`` when the checkpoint cannot be read or the restore was abandoned
    ///   (``HistoryCheckpointError/wasAbandoned``); the history is then unchanged.
    @discardableResult
    public func restore(checkpoint bytes: [UInt8], abandonWhen: () -> Bool = { false })
        throws(HistoryCheckpointError) -> (series: Int, samples: Int)
    {
        let series = try Self.decode(bytes, abandonWhen: abandonWhen)
        guard !abandonWhen() else { throw .abandoned }
        state.write { $0.restore(series) }
        return (series.count, series.reduce(0) { $0 + $1.timestamps.count })
    }

    /// One series as read from a checkpoint.
    struct CheckpointSeries {
        var labels: Labels
        var inLastSnapshot: Bool
        var timestamps: [Int64]
        var values: [Double]
    }

    static func decode(_ bytes: [UInt8], abandonWhen: () -> Bool = { false })
        throws(HistoryCheckpointError) -> [CheckpointSeries]
    {
        var reader = CheckpointReader(bytes)
        let version = try reader.byte()
        guard version == checkpointVersion else {
            throw HistoryCheckpointError("version \(version), expected \(checkpointVersion)")
        }
        // Each series and each sample takes at least one byte: counts above what is left are corrupt.
        let seriesCount = try reader.count(atMost: bytes.count)
        var result: [CheckpointSeries] = []
        result.reserveCapacity(seriesCount)
        for index in 0..<seriesCount {
            if index % 4096 == 4095, abandonWhen() { throw .abandoned }
            let flags = try reader.byte()
            let labelCount = try reader.count(atMost: bytes.count)
            var labels: [Label] = []
            for _ in 0..<labelCount { labels.append(Label(try reader.string(), try reader.string())) }
            let sampleCount = try reader.count(atMost: bytes.count)
            var timestamps: [Int64] = []
            var values: [Double] = []
            timestamps.reserveCapacity(sampleCount)
            values.reserveCapacity(sampleCount)
            var timestamp: Int64 = 0
            var delta: Int64 = 0
            var value = 0.0
            for index in 0..<sampleCount {
                if index == 0 {
                    timestamp = try reader.signed()
                } else {
                    delta &+= try reader.signed()
                    timestamp &+= delta
                }
                value = try reader.value(after: value)
                timestamps.append(timestamp)
                values.append(value)
            }
            result.append(
                CheckpointSeries(
                    labels: Labels(labels), inLastSnapshot: flags & 1 != 0, timestamps: timestamps, values: values))
        }
        guard reader.isAtEnd else { throw HistoryCheckpointError("\(bytes.count - reader.offset) bytes left over") }
        return result
    }
}

extension SampleHistory.State {
    func checkpoint() -> [UInt8] {
        var writer = CheckpointWriter()
        writer.byte(SampleHistory.checkpointVersion)
        writer.varint(UInt64(table.count))
        let inLastSnapshot = Set(lastSnapshot.filter { table.isLive($0) }.map(\.slot))
        for slot in table.slots.indices where table.slots[slot].inUse {
            writer.byte(inLastSnapshot.contains(Int32(slot)) ? 1 : 0)
            let labels = table.slots[slot].labels.labels
            writer.varint(UInt64(labels.count))
            for label in labels {
                writer.string(label.name)
                writer.string(label.value)
            }
            let (timestamps, values) = samples(ofSlot: slot)
            writer.varint(UInt64(timestamps.count))
            var previous: (timestamp: Int64, delta: Int64, value: Double) = (0, 0, 0)
            for (index, (timestamp, value)) in zip(timestamps, values).enumerated() {
                if index == 0 {
                    writer.signed(timestamp)
                } else {
                    let delta = timestamp &- previous.timestamp
                    writer.signed(delta &- previous.delta)
                    previous.delta = delta
                }
                writer.value(value, after: previous.value)
                previous.timestamp = timestamp
                previous.value = value
            }
        }
        return writer.bytes
    }

    /// Every live sample of the series in `slot`, from its own arrays or its column.
    private func samples(ofSlot slot: Int) -> (ArraySlice<Int64>, SampleValues) {
        guard let aligned = table.slots[slot].aligned else {
            guard let (timestamps, values) = table.slots[slot].samples.slice(from: .min, through: .max) else {
                return ([], [])
            }
            return (timestamps, SampleValues(values))
        }
        let column = columns[Int(aligned.column)]
        let upper = min(aligned.count, column.count)
        let lower = min(max(column.start, Int(aligned.first)), upper)
        return (column.timestamps[lower..<upper], aligned.values(lower..<upper))
    }

    mutating func restore(_ checkpoint: [SampleHistory.CheckpointSeries]) {
        var newestRestored = Int64.min
        // The last snapshot's series are put back into shared timestamp columns (8 bytes a sample instead of 16),
        // when the history has none yet; the others get arrays of their own.
        let mayAlign = columns.isEmpty
        var aligning: [Int64: [(id: SeriesID, series: Int)]] = [:]
        for (index, series) in checkpoint.enumerated() {
            guard retention.keeps(series.labels.metricName), !series.timestamps.isEmpty else { continue }
            let id = resolve(series.labels)
            guard id.isKept else { continue }
            newestRestored = max(newestRestored, series.timestamps.last ?? .min)
            if series.inLastSnapshot { lastSnapshot.append(id) }
            if mayAlign, series.inLastSnapshot, table.slots[Int(id.slot)].lastAppend == .min {
                aligning[table.slots[Int(id.slot)].windowMillis, default: []].append((id, index))
                continue
            }
            appendOwn(id, series)
        }
        for (window, members) in aligning { restoreColumn(window: window, members: members, from: checkpoint) }
        if newestRestored != .min { advance(to: newestRestored) }
        lastSnapshot.removeAll { !table.isLive($0) }
    }

    private mutating func appendOwn(_ id: SeriesID, _ series: SampleHistory.CheckpointSeries) {
        for (timestamp, value) in zip(series.timestamps, series.values) {
            appendSample(id.slot, timestamp, value, inSnapshot: false)
        }
    }

    /// Makes a column of the timestamps of the longest of `members` (all of window `window`); a member whose
    /// timestamps are the column's last ones joins it, padded as ``join`` pads, the others keep their own.
    private mutating func restoreColumn(
        window: Int64, members: [(id: SeriesID, series: Int)], from checkpoint: [SampleHistory.CheckpointSeries]
    ) {
        guard
            let longest = members.max(by: {
                checkpoint[$0.series].timestamps.count < checkpoint[$1.series].timestamps.count
            }),
            let first = checkpoint[longest.series].timestamps.first
        else { return }
        let timestamps = checkpoint[longest.series].timestamps
        var column = TimestampColumn(windowMillis: window)
        column.restart(at: first)
        for timestamp in timestamps.dropFirst() { column.append(timestamp) }
        let index = Int32(columns.count)
        for member in members {
            let series = checkpoint[member.series]
            let padding = timestamps.count - series.timestamps.count
            guard padding >= 0, timestamps[padding...].elementsEqual(series.timestamps) else {
                appendOwn(member.id, series)
                continue
            }
            let values = AlignedValues(padding: padding, values: series.values, room: column.room, column: index)
            table.withSlot(member.id.slot) { slot in
                slot.aligned = values
                slot.lastAppend = timestamps[timestamps.count - 1]
            }
            column.members.append(member.id)
        }
        guard !column.members.isEmpty else { return }
        columns.append(column)
        columnsByWindow[window] = index
    }
}
