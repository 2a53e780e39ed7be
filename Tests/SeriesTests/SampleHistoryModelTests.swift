import Model
import Series
import Testing

/// The history against a plain model of what it must hold (every sample in a list per series), over random
/// snapshots: series appearing, vanishing and coming back, values re-recorded at the same time, rule results
/// appended to snapshot series, and windows changing. Covers the shared timestamp columns and the sliding
/// arrays (compaction, growth, leaving a column) without knowing how they work.
struct SampleHistoryModelTests {
    /// What the history must answer: samples per series, trimmed to the window at each new newest time.
    struct Model {
        var windows: [String: Int64]
        var series: [Labels: [(time: Int64, value: Double)]] = [:]
        var lastSnapshot: Set<Labels> = []
        var newest: Int64 = .min

        mutating func append(_ labels: Labels, _ time: Int64, _ value: Double) {
            guard let window = windows[labels.metricName] else { return }
            var samples = series[labels] ?? []
            if let last = samples.last, time <= last.time {
                if time == last.time { samples[samples.count - 1].value = value }
            } else {
                samples.append((time, value))
            }
            series[labels] = samples.filter { $0.time >= max(newest, time) - window }
        }

        mutating func record(_ samples: [(Labels, Double)], at time: Int64) {
            for (labels, value) in samples { append(labels, time, value) }
            let present = Set(samples.map(\.0)).filter { windows[$0.metricName] != nil }
            for labels in lastSnapshot.subtracting(present) {
                if let last = series[labels]?.last, !isStaleMarker(last.value) { append(labels, time, staleMarker) }
            }
            lastSnapshot = present
            advance(to: time)
        }

        mutating func advance(to time: Int64) {
            guard time > newest else { return }
            newest = time
            trimAll()
        }

        mutating func trimAll() {
            for (labels, samples) in series {
                let kept = samples.filter { $0.time >= newest - (windows[labels.metricName] ?? 0) }
                series[labels] = kept.isEmpty ? nil : kept
            }
        }
    }

    static func retention(_ windows: [String: Int64]) -> SampleHistory.Retention {
        .init(byName: windows.mapValues { [.init(matchers: [], window: .milliseconds($0))] })
    }

    /// Compares every series of each name, and those of one agent (`agent` equality, as the index serves it).
    func expectSame(_ history: SampleHistory, _ model: Model, step: Int, from: Int64, agent: String) throws {
        for name in ["up", "cost", "rec"] {
            try expectSame(history, model, step: step, from: from, name: name, agent: nil)
            try expectSame(history, model, step: step, from: from, name: name, agent: agent)
        }
        #expect(history.size.samples == model.series.values.reduce(0) { $0 + $1.count }, "step \(step): sample count")
    }

    func expectSame(_ history: SampleHistory, _ model: Model, step: Int, from: Int64, name: String, agent: String?)
        throws
    {
        var matchers = [try LabelMatcher(.equal, "__name__", name)]
        if let agent { matchers.append(try LabelMatcher(.equal, "agent", agent)) }
        let got = history.select(matchers, from: from, through: .max)
        let want = model.series.filter { $0.key.metricName == name && (agent == nil || $0.key["agent"] == agent) }
            .sorted { $0.key < $1.key }
            .map { ($0.key, $0.value.filter { $0.time >= from }) }.filter { !$0.1.isEmpty }
        #expect(got.map(\.labels) == want.map(\.0), "step \(step), \(name): series")
        for (series, expected) in zip(got, want) {
            #expect(Array(series.timestamps) == expected.1.map(\.time), "step \(step), \(series.labels)")
            #expect(
                series.values.map(\.bitPattern) == expected.1.map(\.value.bitPattern), "step \(step), \(series.labels)")
        }
        // What an instant selector reads: each series' newest sample in the range, ending now, just before the
        // newest snapshot, or further back.
        for through in [.max, model.newest - 1, model.newest - 20_000] {
            var latest: [(labels: Labels, time: Int64, bits: UInt64)] = []
            history.forEachLatest(matchers, from: from, through: through) { latest.append(($0, $1, $2.bitPattern)) }
            let newest = want.compactMap { labels, _ -> (labels: Labels, time: Int64, bits: UInt64)? in
                guard let last = model.series[labels]?.last(where: { $0.time >= from && $0.time <= through }) else {
                    return nil
                }
                return (labels, last.time, last.value.bitPattern)
            }
            #expect(latest.map(\.labels) == newest.map(\.labels), "step \(step), \(name), through \(through)")
            #expect(latest.map(\.time) == newest.map(\.time), "step \(step), \(name), through \(through)")
            #expect(latest.map(\.bits) == newest.map(\.bits), "step \(step), \(name), through \(through)")
        }
    }

    /// Values of every kind the history holds in its own way: repeated (0, 1, -0, NaN), whole numbers that
    /// turn fractional, and now and then a value that changes a repeated one.
    func value(_ name: String, _ step: Int, _ agent: Int) -> Double {
        switch name {
        case "up": step % 53 == agent ? 0.5 : agent % 4 == 0 ? -0.0 : agent % 4 == 1 ? .nan : Double(agent % 2)
        case "cost": step > 150 && agent % 3 == 0 ? 0.001 * Double(step) + Double(agent) : Double(step * 100 + agent)
        default: Double(agent % 5)
        }
    }

    @Test(arguments: [1, 2, 3])
    func answersAsAPlainListOfSamplesWould(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        var windows: [String: Int64] = ["up": 60_000, "cost": 200_000, "rec": 100_000]
        let history = SampleHistory(retention: Self.retention(windows))
        var model = Model(windows: windows)
        var ids: [Labels: SeriesID] = [:]
        var time: Int64 = 0
        for step in 0..<400 {
            if step % 10 != 7 { time += 15_000 }  // now and then the same time again
            if step % 97 == 96 {
                windows["cost"] = windows["cost"] == 200_000 ? 90_000 : 200_000
                history.retain(Self.retention(windows))
                model.windows = windows
                model.trimAll()
            }
            var samples: [(Labels, Double)] = []
            for agent in 0..<12 {
                for name in ["up", "cost", "gone"] where Int.random(in: 0..<100, using: &random) < 85 {
                    samples.append((Labels(["__name__": name, "agent": "a\(agent)"]), value(name, step, agent)))
                }
            }
            var snapshot = SeriesSnapshot()
            for (labels, value) in samples { snapshot.append(ids[labels] ?? .unresolved, value) }
            history.record(&snapshot, at: Timestamp(milliseconds: time)) { samples[$0].0 }
            for (index, sample) in samples.enumerated() { ids[sample.0] = snapshot.ids[index] }
            model.record(samples, at: time)
            let agent = Int.random(in: 0..<12, using: &random)
            for name in ["rec", step % 5 == 0 ? "up" : "rec"] {
                let labels = Labels(["__name__": name, "agent": "a\(agent)"])
                history.append(labels, timestamp: time, value: -Double(step))
                model.append(labels, time, -Double(step))
            }
            try expectSame(
                history, model, step: step, from: time - Int64.random(in: 0...250_000, using: &random),
                agent: "a\(Int.random(in: 0..<12, using: &random))")
        }
    }
}
