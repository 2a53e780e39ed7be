import Model

/// The outcome of one `eval` command.
public enum TestCaseOutcome: Sendable, Equatable {
    case passed
    /// An `eval_fail` case failed as expected, with this error.
    case failedAsExpected(String)
    /// The case failed; the message says expected vs got.
    case failed(String)
    /// The case was not run (only cases on native-histogram series, which this engine does not load); the
    /// reason names why.
    case skipped(String)
}

/// One evaluated case of a script.
public struct TestCaseResult: Sendable {
    /// 1-based line of the `eval` command.
    public var line: Int
    /// The query.
    public var query: String
    /// What happened.
    public var outcome: TestCaseOutcome
    /// How many re-runs with `@` pinned to the evaluation time passed (Prometheus' harness: 5 evaluation
    /// times, 3 when the case is at 0s; none when a function outside subqueries depends on the evaluation time).
    public var pinnedRuns = 0
    /// How many runs as a range query (evaluation time ± 1m, step 1m, middle step checked) passed: one after
    /// the case itself and one after each pinned re-run; none for `eval_fail`.
    public var rangeRuns = 0

    /// Whether the case counts as passed.
    public var passed: Bool {
        switch outcome {
        case .passed, .failedAsExpected: true
        default: false
        }
    }
}

extension PromQLTestScript {
    /// Runs every command and returns the result of each `eval`.
    public func run() -> [TestCaseResult] {
        var storage = MemoryStorage()
        var nativeHistograms: Set<String> = []
        var results: [TestCaseResult] = []
        for command in commands {
            switch command {
            case .clear:
                storage.removeAll()
                nativeHistograms.removeAll()
            case .load(_, let series, let histograms):
                nativeHistograms.formUnion(histograms)
                for (labels, samples) in series {
                    for (timestamp, value) in samples { storage.append(labels, timestamp: timestamp, value: value) }
                }
            case .eval(let eval):
                if Self.usesNativeHistogram(eval.query, nativeHistograms) {
                    results.append(
                        TestCaseResult(line: eval.line, query: eval.query, outcome: .skipped("native histograms")))
                } else {
                    results.append(Self.run(eval, Evaluator(storage: storage)))
                }
            }
        }
        return results
    }

    /// Whether the query names a series loaded in native-histogram notation (not loaded by this engine).
    private static func usesNativeHistogram(_ query: String, _ names: Set<String>) -> Bool {
        guard !names.isEmpty else { return false }
        var lexer = Lexer(query)
        let tokens = (try? lexer.tokenize()) ?? []
        return tokens.contains { token in
            switch token.kind {
            case .identifier(let word), .string(let word): names.contains(word)
            default: false
            }
        }
    }

    /// Runs one `eval` as Prometheus 2.42's harness does: the query at its time, then (when no function
    /// outside a subquery depends on the evaluation time) the query with `@` pinned to that time at other
    /// evaluation times; each run that succeeds is repeated as a range query whose middle step is checked.
    /// The first failing run fails the case.
    private static func run(_ eval: EvalCommand, _ evaluator: Evaluator) -> TestCaseResult {
        var result = TestCaseResult(line: eval.line, query: eval.query, outcome: .passed)
        if eval.kind == .range {
            result.outcome = .skipped("eval range")
            return result
        }
        let expr: Expr
        do {
            expr = try Parser.parse(eval.query)
        } catch {
            result.outcome =
                eval.kind == .fail ? .failedAsExpected("\(error)") : .failed("error parsing query: \(error)")
            return result
        }
        var firstError: String?
        for (index, run) in harnessRuns(expr, at: eval.time.milliseconds).enumerated() {
            let pinned = index > 0
            let what = pinned ? " with @ pinned (\(run.expr) at \(formatTime(run.time)))" : ""
            let value: Value
            do {
                value = try evaluator.evaluate(run.expr, at: Timestamp(milliseconds: run.time))
            } catch {
                if eval.kind == .fail {
                    firstError = firstError ?? "\(error)"
                    if pinned { result.pinnedRuns += 1 }
                    continue
                }
                result.outcome = .failed("error evaluating query\(what): \(error)")
                return result
            }
            if eval.kind == .fail {
                result.outcome = .failed("expected error evaluating query\(what) but got none")
                return result
            }
            if case .failed(let message) = compare(value, eval) {
                result.outcome = .failed(pinned ? "\(what.dropFirst()): \(message)" : message)
                return result
            }
            if pinned { result.pinnedRuns += 1 }
            if case .failed(let message) = checkRangeMode(run, value, eval, evaluator) {
                result.outcome = .failed("in range mode\(what): \(message)")
                return result
            }
            result.rangeRuns += 1
        }
        if let firstError { result.outcome = .failedAsExpected(firstError) }
        return result
    }

    /// The query as a range query from 1m before to 1m after the run's time, step 1m; the middle step must
    /// give the expected result (order is not checked: range results have none).
    private static func checkRangeMode(_ run: HarnessRun, _ instant: Value, _ eval: EvalCommand, _ evaluator: Evaluator)
        -> TestCaseOutcome
    {
        let matrix: Matrix
        do {
            matrix = try evaluator.evaluateRange(
                run.expr, start: Timestamp(milliseconds: run.time &- 60_000),
                end: Timestamp(milliseconds: run.time &+ 60_000), step: .minutes(1))
        } catch {
            return .failed("error evaluating query: \(error)")
        }
        if eval.kind == .ordered { return .passed }
        let middle: Vector = matrix.compactMap { series in
            series.timestamps.firstIndex(of: run.time).map {
                Sample(
                    labels: series.labels,
                    value: series.values[$0 - series.timestamps.startIndex + series.values.startIndex],
                    timestamp: run.time)
            }
        }
        if case .scalar = instant {
            guard let first = middle.first else { return .failed("no value at the middle step") }
            return compare(.scalar(first.value), eval)
        }
        var unordered = eval
        unordered.kind = .instant
        return compare(.vector(middle), unordered)
    }

    private static func formatTime(_ milliseconds: Int64) -> String {
        GoFloat.format(Double(milliseconds) / 1000, verb: "f", precision: 3) + "s"
    }

    private static func compare(_ value: Value, _ eval: EvalCommand) -> TestCaseOutcome {
        switch value {
        case .scalar(let scalar):
            guard let expected = eval.expected.first, expected.labels == nil else {
                return .failed("expected \(describe(eval.expected)) but got scalar \(formatValue(scalar))")
            }
            return almostEqual(expected.value, scalar)
                ? .passed
                : .failed("expected scalar \(formatValue(expected.value)) but got \(formatValue(scalar))")
        case .vector(let vector):
            return compare(vector, eval)
        case .matrix:
            return .failed("received range result on instant evaluation")
        case .string(let text):
            return .failed("unexpected string result \(GoFormat.quote(text))")
        }
    }

    private static func compare(_ vector: Vector, _ eval: EvalCommand) -> TestCaseOutcome {
        let mismatch = TestCaseOutcome.failed("expected \(describe(eval.expected))\n  got      \(describe(vector))")
        guard vector.count == eval.expected.count else { return mismatch }
        for (position, sample) in vector.enumerated() {
            guard let index = eval.expected.firstIndex(where: { $0.labels == sample.labels }) else { return mismatch }
            if eval.kind == .ordered, index != position { return mismatch }
            if !almostEqual(eval.expected[index].value, sample.value) { return mismatch }
        }
        return .passed
    }

    private static func describe(_ expected: [ExpectedSample]) -> String {
        if expected.isEmpty { return "no result" }
        return expected.map { ($0.labels.map { "\($0.seriesNotation) " } ?? "scalar ") + formatValue($0.value) }
            .joined(separator: ", ")
    }

    private static func describe(_ vector: Vector) -> String {
        if vector.isEmpty { return "no result" }
        return vector.map { "\($0.labels.seriesNotation) \(formatValue($0.value))" }.joined(separator: ", ")
    }
}

/// Formats a sample value for messages.
func formatValue(_ value: Double) -> String {
    if isStaleMarker(value) { return "stale" }
    return formatNumber(value)
}

/// Prometheus' test comparison: relative tolerance 1e-6, NaN equals NaN.
func almostEqual(_ a: Double, _ b: Double) -> Bool {
    if a.isNaN && b.isNaN { return true }
    if a == b { return true }
    let difference = (a - b).magnitude
    let minNormal = Double.leastNormalMagnitude
    if a == 0 || b == 0 || difference < minNormal { return difference < 1e-6 * minNormal }
    return difference / (a.magnitude + b.magnitude) < 1e-6
}
