import Model
import PromQL

extension FuzzTarget {
    /// A PromQL expression (rule files, `heartbeat-exporter promql`): parsed, printed and parsed again (the
    /// printed form is what the rules API shows), then evaluated at three times and as a range query over a
    /// small store. A query of many subquery steps stops at the evaluator's timeout (a tenth of a second here,
    /// under the harness's one-second limit).
    static let promql = FuzzTarget(name: "promql", setUp: { _ = promqlStore }) { bytes in
        guard bytes.count <= 4_096 else { return }
        let text = String(fuzzInput: bytes)
        guard let expr = try? Parser.parse(text) else { return }
        let printed = expr.description
        do {
            _ = try Parser.parse(printed)
        } catch {
            fatalError(
                "the printed form of \(text.debugDescription) does not parse: \(printed.debugDescription): \(error)")
        }
        let evaluator = Evaluator(storage: promqlStore, timeout: .milliseconds(100))
        for seconds in [0, 300, 1_200] {
            _ = try? evaluator.evaluate(expr, at: Timestamp(seconds: seconds))
        }
        _ = try? evaluator.evaluateRange(
            expr, start: Timestamp(seconds: -60), end: Timestamp(seconds: 660), step: .seconds(90))
    }

    /// Ten minutes of samples every 15 s: counters with a reset, gauges, a classic histogram, special values.
    private static let promqlStore: MemoryStorage = {
        var store = MemoryStorage()
        for step in 0...40 {
            let time = Int64(step) * 15_000
            let t = Double(step)
            for instance in ["a", "b"] {
                let scale = instance == "a" ? 1.0 : 3.0
                store.append(
                    Labels(["__name__": "http_requests_total", "job": "api", "instance": instance, "code": "200"]),
                    timestamp: time, value: step < 25 ? t * 10 * scale : (t - 25) * scale)
                store.append(
                    Labels(["__name__": "agent_up", "agent": "builder-\(instance)", "job": "heartbeat"]),
                    timestamp: time, value: step % 7 == 0 ? 0 : 1)
                for (bound, share) in [("0.1", 0.2), ("0.5", 0.6), ("1", 0.9), ("+Inf", 1.0)] {
                    store.append(
                        Labels([
                            "__name__": "request_duration_seconds_bucket", "instance": instance, "le": bound,
                        ]), timestamp: time, value: t * 4 * share * scale)
                }
            }
            store.append(
                Labels(["__name__": "temperature", "room": "x"]), timestamp: time, value: 20 + (t - 20) * 0.5)
            let special: [Double] = [.nan, .infinity, -.infinity, -0.0, 1e308, .leastNonzeroMagnitude]
            store.append(
                Labels(["__name__": "special", "kind": "mixed"]), timestamp: time, value: special[step % special.count])
        }
        return store
    }()
}
