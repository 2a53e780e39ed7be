import Model
import PromQL
import Series
import Testing

/// Snapshots recorded by series id: ids resolved once and kept, stale markers for vanished series, and ids
/// going stale when their series is dropped or the retention changes.
struct SampleHistorySnapshotTests {
    func series(_ name: String, _ agent: String) -> Labels { Labels(["__name__": name, "agent": agent]) }

    /// Records `samples` with the ids kept in `ids` (by labels), and returns the labels the history asked for.
    @discardableResult
    func record(
        _ history: SampleHistory, _ samples: [(Labels, Double)], at time: Int64,
        ids: inout [Labels: SeriesID]
    ) -> [Labels] {
        var snapshot = SeriesSnapshot()
        for (labels, value) in samples { snapshot.append(ids[labels] ?? .unresolved, value) }
        var asked: [Labels] = []
        history.record(&snapshot, at: Timestamp(milliseconds: time)) { index in
            asked.append(samples[index].0)
            return samples[index].0
        }
        for (index, sample) in samples.enumerated() { ids[sample.0] = snapshot.ids[index] }
        #expect(snapshot.resolvedCount == asked.count)
        return asked
    }

    func stored(_ history: SampleHistory, _ labels: Labels) -> [(Int64, Double)] {
        let matchers = labels.labels.compactMap { try? LabelMatcher(.equal, $0.name, $0.value) }
        let found = history.select(matchers, from: .min, through: .max).first
        return found.map { Array(zip($0.timestamps, $0.values)) } ?? []
    }

    @Test func idsAreResolvedOnceThenUsedWithoutLabels() {
        let history = SampleHistory(retention: .init(metricNames: ["up", "cost"], window: .minutes(10)))
        var ids: [Labels: SeriesID] = [:]
        let samples = [(series("up", "a"), 1.0), (series("cost", "a"), 2.0), (series("other", "a"), 3.0)]
        #expect(record(history, samples, at: 0, ids: &ids).count == 3)
        #expect(record(history, samples, at: 15_000, ids: &ids).isEmpty)
        #expect(stored(history, series("up", "a")).map(\.0) == [0, 15_000])
        #expect(stored(history, series("cost", "a")).map(\.1) == [2, 2])
        #expect(history.size == (series: 2, samples: 4))
    }

    @Test func aVanishedSeriesGetsOneStaleMarkerAndMayComeBack() throws {
        let history = SampleHistory(retention: .init(metricNames: ["up"], window: .minutes(10)))
        var ids: [Labels: SeriesID] = [:]
        let (a, b) = (series("up", "a"), series("up", "b"))
        record(history, [(a, 1), (b, 1)], at: 0, ids: &ids)
        record(history, [(a, 1)], at: 15_000, ids: &ids)
        record(history, [(a, 1)], at: 30_000, ids: &ids)
        let vanished = stored(history, b)
        #expect(vanished.map(\.0) == [0, 15_000])
        #expect(isStaleMarker(vanished.last?.1 ?? 0))
        guard case .vector(let gone) = try Evaluator(storage: history).query("up", at: Timestamp(seconds: 30)) else {
            Issue.record("not a vector")
            return
        }
        #expect(gone.map { $0.labels["agent"] } == ["a"])
        #expect(record(history, [(a, 1), (b, 7)], at: 45_000, ids: &ids).isEmpty)
        guard case .vector(let back) = try Evaluator(storage: history).query("up", at: Timestamp(seconds: 45)) else {
            Issue.record("not a vector")
            return
        }
        #expect(back.map(\.value) == [1, 7])
    }

    /// A series whose window passes without samples is dropped; a new series may take its slot, and the old id
    /// must then neither write into the new series nor be taken for it.
    @Test func anIdOfADroppedSeriesIsResolvedAgainAndNeverWritesIntoAnother() {
        let history = SampleHistory(retention: .init(metricNames: ["up"], window: .minutes(1)))
        var ids: [Labels: SeriesID] = [:]
        let (a, b, c) = (series("up", "a"), series("up", "b"), series("up", "c"))
        record(history, [(a, 1), (b, 2)], at: 0, ids: &ids)
        for time in stride(from: Int64(15_000), through: 90_000, by: 15_000) {
            record(history, [(a, 1)], at: time, ids: &ids)
        }
        #expect(history.size.series == 1)
        #expect(record(history, [(a, 1), (c, 3)], at: 105_000, ids: &ids) == [c])
        #expect(record(history, [(a, 1), (b, 4)], at: 120_000, ids: &ids) == [b])
        #expect(stored(history, b).map(\.1) == [4])
        #expect(stored(history, c).map(\.0) == [105_000, 120_000])
        #expect(stored(history, c).first?.1 == 3)
        #expect(isStaleMarker(stored(history, c).last?.1 ?? 0))
    }

    @Test func changingTheRetentionResolvesAgainOnlyWhatItConcerns() {
        let history = SampleHistory(retention: .init(metricNames: ["up"], window: .minutes(10)))
        var ids: [Labels: SeriesID] = [:]
        let (up, down) = (series("up", "a"), series("down", "a"))
        #expect(record(history, [(up, 1), (down, 0)], at: 0, ids: &ids) == [up, down])
        #expect(stored(history, down).isEmpty)
        history.retain(.init(metricNames: ["up", "down"], window: .minutes(10)))
        #expect(record(history, [(up, 1), (down, 0)], at: 15_000, ids: &ids) == [down])
        #expect(stored(history, down).map(\.0) == [15_000])
        history.retain(.init(metricNames: ["down"], window: .minutes(10)))
        #expect(stored(history, up).isEmpty)
        #expect(record(history, [(up, 1), (down, 0)], at: 30_000, ids: &ids) == [up])
        #expect(stored(history, down).map(\.0) == [15_000, 30_000])
    }

    /// A series' values cost what they need: nothing while they do not change, 4 bytes while each is a Float
    /// exactly (counts, 0 and 1), 8 once one is not (a cost in dollars); every value reads back bit for bit.
    @Test(arguments: [
        ("constant", 0.0, 0.5), ("whole numbers", 4.0, 5.0), ("halves", 4.0, 5.0), ("dollars", 8.0, 9.5),
    ])
    func valuesCostWhatTheirKindNeeds(kind: String, atLeast: Double, below: Double) throws {
        let history = SampleHistory(retention: .init(metricNames: ["v"], window: .hours(1)))
        var ids: [Labels: SeriesID] = [:]
        let all = (0..<200).map { series("v", "a\($0)") }
        func value(_ step: Int, _ agent: Int) -> Double {
            switch kind {
            case "constant": agent % 3 == 0 ? -0.0 : Double(agent % 2)
            case "whole numbers": Double(step * 7 + agent)
            case "halves": Double(step) / 2 - Double(agent)
            default: 0.001 * Double(step) + Double(agent)
            }
        }
        for step in 0..<400 {
            record(history, all.indices.map { (all[$0], value(step, $0)) }, at: Int64(step) * 15_000, ids: &ids)
        }
        let size = history.size
        #expect(size == (series: 200, samples: 200 * 241))
        // The shared timestamps (8 bytes a snapshot, not a sample) are within the bounds, the slack too.
        let perSample = Double(history.sampleBytes) / Double(size.samples)
        #expect(perSample >= atLeast && perSample < below, "\(kind): \(perSample) bytes a sample")
        let selected = history.select([try LabelMatcher(.equal, "__name__", "v")], from: .min, through: .max)
        for (index, found) in selected.enumerated() {
            let agent = Int(found.labels["agent"].dropFirst()) ?? -1
            #expect(found.values.map(\.bitPattern) == (159..<400).map { value($0, agent).bitPattern }, "\(index)")
            #expect(Array(found.timestamps) == (159..<400).map { Int64($0) * 15_000 })
        }
    }

    /// The fleet's series take their window's memory once, within the first snapshots, rather than by steps while
    /// the window fills: what a process holds after a few minutes is what it holds for good, and no more than
    /// that, also when snapshots come at an uneven pace (rule groups evaluated at offsets of each other).
    @Test(arguments: [[15_000], [100, 14_900], [2_000, 3_000, 10_000]] as [[Int64]])
    func aWindowTakesItsMemoryOnceEarly(steps: [Int64]) {
        let history = SampleHistory(retention: .init(metricNames: ["v"], window: .hours(1)))
        var ids: [Labels: SeriesID] = [:]
        let all = (0..<200).map { series("v", "a\($0)") }
        var bytes: [Int: Int] = [:]
        var time: Int64 = 0
        for step in 0..<(600 * steps.count) {
            record(history, all.indices.map { (all[$0], 0.001 * Double(step) + Double($0)) }, at: time, ids: &ids)
            bytes[step] = history.sampleBytes
            time += steps[step % steps.count]
        }
        let early = bytes[40] ?? 0, filled = bytes[600 * steps.count - 1] ?? 0
        #expect(filled <= early, "\(early) bytes after 40 snapshots, \(filled) once the hour is full")
        // An uneven pace may reserve more at first (given back within a window), never several windows.
        #expect(Double(early) <= 1.6 * Double(filled), "\(early) bytes after 40 snapshots, \(filled) when full")
        #expect(Double(filled) / Double(history.size.samples) < 9.5)
    }

    /// A value that needs more room than the series had widens it without changing what was held: a bucket
    /// count that turns fractional, a constant that starts moving, a stale marker among whole numbers.
    @Test func aSeriesWidensWithoutLosingAValue() throws {
        let history = SampleHistory(retention: .init(metricNames: ["v"], window: .hours(1)))
        var ids: [Labels: SeriesID] = [:]
        let (a, b) = (series("v", "a"), series("v", "b"))
        let values: [Double] = [1, 1, 1, 2, 2, 0.1, -0.0, .infinity, 3]
        for (step, value) in values.enumerated() {
            record(history, [(a, value), (b, 0)], at: Int64(step) * 15_000, ids: &ids)
        }
        record(history, [(b, 0)], at: Int64(values.count) * 15_000, ids: &ids)  // a vanishes: stale marker
        #expect(stored(history, a).map(\.1.bitPattern) == (values + [staleMarker]).map(\.bitPattern))
        #expect(stored(history, b).map(\.1) == Array(repeating: 0, count: values.count + 1))
        // The same time again replaces the newest value, in whatever form it is held.
        record(history, [(b, 0.25)], at: Int64(values.count) * 15_000, ids: &ids)
        #expect(stored(history, b).map(\.1).suffix(2) == [0, 0.25])
    }

    @Test func aSelectorWithoutAMetricNameReturnsSeriesSortedByLabels() throws {
        let history = SampleHistory(retention: .init(metricNames: nil, window: .minutes(10)))
        for (name, agent) in [("b", "2"), ("a", "3"), ("b", "1"), ("a", "1")] {
            history.append(series(name, agent), timestamp: 0, value: 1)
        }
        let found = history.select([try LabelMatcher(.notEqual, "agent", "3")], from: 0, through: 0)
        #expect(found.map(\.labels) == [series("a", "1"), series("b", "1"), series("b", "2")])
    }
}
