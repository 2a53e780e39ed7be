import Foundation
import Model
import PromQL
import Series
import Synchronization
import Testing

struct SampleHistoryTests {
    func up(_ agent: String) -> Labels { Labels(["__name__": "agent_up", "agent": agent]) }
    func named(_ name: String) throws -> [LabelMatcher] { [try LabelMatcher(.equal, "__name__", name)] }

    @Test func keepsOnlyTheWindowAndTheNamesAsked() throws {
        let history = SampleHistory(retention: .init(metricNames: ["agent_up"], window: .minutes(1)))
        for second in stride(from: 0, through: 120, by: 15) {
            history.append(up("a"), timestamp: Timestamp(seconds: second).milliseconds, value: 1)
            history.append(
                Labels(["__name__": "other", "agent": "a"]),
                timestamp: Timestamp(seconds: second).milliseconds, value: 1)
        }
        let series = history.select(try named("agent_up"), from: 0, through: 200_000)
        #expect(series.count == 1)
        #expect(Array(series[0].timestamps) == [60_000, 75_000, 90_000, 105_000, 120_000])
        #expect(history.size.series == 1)
    }

    @Test func aSeriesGoneFromTheSnapshotIsMarkedStale() throws {
        let history = SampleHistory(retention: .init(metricNames: nil, window: .minutes(10)))
        history.record([(up("a"), 1), (up("b"), 1)], at: Timestamp(seconds: 0))
        history.record([(up("a"), 1)], at: Timestamp(seconds: 15))
        history.record([(up("a"), 1)], at: Timestamp(seconds: 30))
        let b = history.select(
            try named("agent_up") + [try LabelMatcher(.equal, "agent", "b")], from: 0, through: 60_000)
        #expect(Array(b[0].timestamps) == [0, 15_000])
        #expect(isStaleMarker(b[0].values.last ?? 0))
        let evaluator = Evaluator(storage: history)
        guard case .vector(let vector) = try evaluator.query("agent_up", at: Timestamp(seconds: 30)) else {
            Issue.record("not a vector")
            return
        }
        #expect(vector.map { $0.labels["agent"] } == ["a"])
    }

    @Test func changingTheRulesFreesSeriesNoLongerNeeded() throws {
        let history = SampleHistory(
            retention: .init(
                metricNames: ["agent_up", "agent_errors_total"],
                window: .minutes(1)))
        history.append(up("a"), timestamp: 0, value: 1)
        history.append(Labels(["__name__": "agent_errors_total", "agent": "a"]), timestamp: 0, value: 3)
        history.retain(.init(metricNames: ["agent_up"], window: .minutes(1)))
        #expect(history.size.series == 1)
        #expect(
            try history.select(
                named("agent_errors_total"),
                from: 0, through: 1
            ).isEmpty)
    }

    @Test func rateOverTheHistoryMatchesPrometheusExtrapolation() throws {
        let history = SampleHistory(retention: .init(metricNames: nil, window: .minutes(10)))
        let labels = Labels(["__name__": "agent_tasks_total", "agent": "a"])
        for step in 0...20 { history.append(labels, timestamp: Int64(step) * 15_000, value: Double(step) * 3) }
        guard
            case .vector(let vector) = try Evaluator(storage: history).query(
                "rate(agent_tasks_total[1m])",
                at: Timestamp(seconds: 300))
        else {
            Issue.record("not a vector")
            return
        }
        #expect(abs((vector.first?.value ?? 0) - 0.2) < 1e-9)
    }
}

/// Queries read the history side by side while snapshots and rule results are written: every query sees whole
/// series in label order, including series new since the metric's index was last brought up to date.
@Suite struct SampleHistoryConcurrencyTests {
    @Test func queriesBesideWritesSeeWholeSeriesInOrder() throws {
        let history = SampleHistory(retention: .init(metricNames: nil, window: .minutes(10)))
        let up = [try LabelMatcher(.equal, "__name__", "agent_up")]
        let first = up + [try LabelMatcher(.equal, "agent", "a-000")]
        let snapshots = 150
        let problems = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            for step in 0..<snapshots {
                if worker == 0 {
                    // One more agent in each snapshot: the index of `agent_up` is out of date after each.
                    let samples = (0...step).map { agent in
                        (Labels(["__name__": "agent_up", "agent": String(format: "a-%03d", agent)]), 1.0)
                    }
                    history.record(samples, at: Timestamp(seconds: step * 15))
                    history.append(
                        Labels(["__name__": "fleet:up"]), timestamp: Int64(step) * 15_000, value: Double(step))
                    continue
                }
                let series = history.select(up, from: 0, through: .max)
                let ordered = zip(series, series.dropFirst()).allSatisfy { $0.labels < $1.labels }
                let whole = series.allSatisfy {
                    $0.timestamps.count == $0.values.count
                        && zip($0.timestamps, $0.timestamps.dropFirst()).allSatisfy { $0 < $1 }
                }
                var latest = 0
                history.forEachLatest(first, from: 0, through: .max) { _, _, _ in latest += 1 }
                if !ordered || !whole || latest > 1 {
                    problems.withLock { $0.append("step \(step): ordered \(ordered), whole \(whole), \(latest)") }
                }
            }
        }
        #expect(problems.withLock { $0 } == [])
        #expect(history.select(up, from: 0, through: .max).count == snapshots)
        let last = history.select([try LabelMatcher(.equal, "__name__", "fleet:up")], from: 0, through: .max)
        #expect(last.first?.values.last == Double(snapshots - 1))
    }
}
