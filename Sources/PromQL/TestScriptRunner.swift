import Model

/// The outcome of one `eval` command.
public enum TestCaseOutcome: Sendable, Equatable {
    case passed
    /// An `eval_fail` case failed as expected, with this error.
    case failedAsExpected(String)
    /// The case failed; the message says expected vs got.
    case failed(String)
    /// The case uses something outside the supported subset; the reason names it.
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
                let outcome =
                    Self.usesNativeHistogram(eval.query, nativeHistograms)
                    ? .skipped("native histograms") : Self.run(eval, Evaluator(storage: storage))
                results.append(TestCaseResult(line: eval.line, query: eval.query, outcome: outcome))
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

    private static func run(_ eval: EvalCommand, _ evaluator: Evaluator) -> TestCaseOutcome {
        if eval.kind == .range { return .skipped("eval range") }
        let value: Value
        do {
            value = try evaluator.query(eval.query, at: eval.time)
        } catch let error as UnsupportedError {
            return .skipped(error.construct)
        } catch {
            return eval.kind == .fail ? .failedAsExpected("\(error)") : .failed("error evaluating query: \(error)")
        }
        if eval.kind == .fail { return .failed("expected error evaluating query but got none") }
        return compare(value, eval)
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
