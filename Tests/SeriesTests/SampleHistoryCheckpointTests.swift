import Model
import PromQL
import Series
import Testing

/// The history's checkpoint: what is written is read back sample for sample (stale markers and odd values
/// included), the retention in force decides what is kept, and a checkpoint that does not parse is refused
/// without touching the history.
struct SampleHistoryCheckpointTests {
    func series(_ name: String, _ agent: String) -> Labels { Labels(["__name__": name, "agent": agent]) }

    func everything(_ history: SampleHistory) -> [(Labels, [Int64], [UInt64])] {
        history.select([], from: .min, through: .max).map {
            ($0.labels, Array($0.timestamps), $0.values.map(\.bitPattern))
        }
    }

    /// Fleet snapshots (one series vanishing, so stale-marked), and rule outputs at their own times.
    func filledHistory() -> SampleHistory {
        let history = SampleHistory(retention: .init(metricNames: nil, window: .minutes(10)))
        for step in 0..<6 {
            var samples = [(series("cost", "a"), 1.5 * Double(step)), (series("up", "a"), 1)]
            if step < 4 { samples.append((series("cost", "b"), 1e300)) }
            history.record(samples, at: Timestamp(milliseconds: Int64(step) * 15_000 + 1_700_000_000_000))
        }
        for (time, value) in [(1_700_000_000_100, -0.0), (1_700_000_007_000, .infinity), (1_700_000_090_000, .nan)] {
            history.append(Labels(["__name__": "job:x", "le": "0.5"]), timestamp: Int64(time), value: value)
        }
        return history
    }

    @Test func aCheckpointIsReadBackSampleForSample() throws {
        let original = filledHistory()
        let bytes = original.checkpoint()
        #expect(bytes.first == SampleHistory.checkpointVersion)
        let restored = SampleHistory(retention: .init(metricNames: nil, window: .minutes(10)))
        let counts = try restored.restore(checkpoint: bytes)
        #expect(counts.series == 4)
        let before = everything(original)
        let after = everything(restored)
        #expect(after.map(\.0) == before.map(\.0))
        #expect(after.map(\.1) == before.map(\.1))
        #expect(after.map(\.2) == before.map(\.2))
        // The vanished series' stale marker is kept.
        let b = try #require(after.first { $0.0 == series("cost", "b") })
        #expect(b.2.last == staleMarkerBits)
        #expect(restored.size.samples == original.size.samples)
        // The last snapshot's series share their timestamps again, as before the checkpoint.
        #expect(Double(restored.sampleBytes) < 1.5 * Double(original.sampleBytes))
    }

    /// A shutdown does not wait for a large restore: asked to stop while it reads, the restore throws and leaves
    /// the history as it was, however far it had got.
    @Test(arguments: [1, 10_000])
    func anAbandonedRestoreLeavesTheHistoryUnchanged(seriesCount: Int) throws {
        let original = SampleHistory(retention: .init(metricNames: nil, window: .minutes(10)))
        original.record(
            (0..<seriesCount).map { (series("cost", "agent-\($0)"), Double($0)) },
            at: Timestamp(milliseconds: 1_700_000_000_000))
        let restored = SampleHistory(retention: .init(metricNames: nil, window: .minutes(10)))
        var asked = 0
        #expect {
            try restored.restore(checkpoint: original.checkpoint()) {
                asked += 1
                return true
            }
        } throws: { ($0 as? HistoryCheckpointError)?.wasAbandoned == true }
        #expect(asked == 1, "asked once: at the first chance, within the series or after them")
        #expect(restored.size.series == 0)
        #expect(try restored.restore(checkpoint: original.checkpoint()).series == seriesCount)
    }

    @Test func restoredSnapshotSeriesTakeTheNextSnapshotsSamples() throws {
        let restored = SampleHistory(retention: .init(metricNames: nil, window: .minutes(10)))
        try restored.restore(checkpoint: filledHistory().checkpoint())
        let base: Int64 = 1_700_000_000_000
        for step in 6..<60 {
            restored.record(
                [(series("cost", "a"), Double(step)), (series("up", "a"), 1), (series("up", "new"), 2)],
                at: Timestamp(milliseconds: base + Int64(step) * 15_000))
        }
        let all = everything(restored)
        let cost = try #require(all.first { $0.0 == series("cost", "a") })
        // 10 minutes back from the newest: 41 samples at 15 s, values in order.
        #expect(cost.1.count == 41)
        #expect(cost.1.last == base + 59 * 15_000)
        #expect(cost.2.last == Double(59).bitPattern)
        #expect(zip(cost.1, cost.1.dropFirst()).allSatisfy { $1 - $0 == 15_000 })
        let newcomer = try #require(all.first { $0.0 == series("up", "new") })
        #expect(newcomer.1.count == 41)
    }

    @Test func aSeriesOfTheLastSnapshotMissingFromTheNextGetsAStaleMarker() throws {
        let restored = SampleHistory(retention: .init(metricNames: nil, window: .minutes(10)))
        try restored.restore(checkpoint: filledHistory().checkpoint())
        let next: Int64 = 1_700_000_000_000 + 6 * 15_000 + 3_000
        restored.record([(series("cost", "a"), 9)], at: Timestamp(milliseconds: next))
        let up = try #require(everything(restored).first { $0.0 == series("up", "a") })
        #expect(up.1.last == next)
        #expect(up.2.last == staleMarkerBits)
        let cost = try #require(everything(restored).first { $0.0 == series("cost", "a") })
        #expect(cost.1.suffix(2) == [1_700_000_000_000 + 5 * 15_000, next])
    }

    @Test func onlyWhatTheRetentionKeepsIsRestored() throws {
        let restored = SampleHistory(retention: .init(metricNames: ["cost"], window: .seconds(30)))
        try restored.restore(checkpoint: filledHistory().checkpoint())
        let kept = everything(restored)
        #expect(kept.map(\.0) == [series("cost", "a"), series("cost", "b")])
        // 30 s back from the newest sample: three snapshots, of which b was in the first and went stale in the
        // second.
        #expect(kept.map(\.1.count) == [3, 2])
    }

    @Test func aCheckpointThatDoesNotParseIsRefusedAndChangesNothing() throws {
        let bytes = filledHistory().checkpoint()
        var wrongVersion = bytes
        wrongVersion[0] = 99
        let broken: [[UInt8]] =
            [[], wrongVersion, Array(bytes.dropLast()), bytes + [0], [1, 0xff, 0xff, 0xff]]
            + stride(from: 1, to: bytes.count, by: 7).map { Array(bytes.prefix($0)) }
        let history = SampleHistory(retention: .init(metricNames: nil, window: .minutes(10)))
        history.append(series("cost", "z"), timestamp: 5, value: 1)
        for checkpoint in broken {
            #expect(throws: HistoryCheckpointError.self) { try history.restore(checkpoint: checkpoint) }
        }
        #expect(everything(history).map(\.0) == [series("cost", "z")])
    }
}
