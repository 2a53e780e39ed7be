import Model
import PromQL
import Testing

/// Arbitrary input must give results or errors, never a crash.
struct RobustnessTests {
    /// A small deterministic generator (linear congruential), so failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let fragments = [
        "up", "x", "{", "}", "(", ")", "[", "]", "5m", "1", "-", "+", "*", "/", "^", "%", "==", "!=", ">", "<=",
        " bool", " and ", " or ", " unless ", " on(a)", " ignoring(b)", " group_left", " group_right(c)", "sum",
        " by (a)", " without (a)", "rate", "histogram_quantile", "topk", "quantile", "label_replace",
        "\"a\"", "'(.*)'", "a=\"1\"", "a=~\"x|y\"", "a!~\".+\"", ",", " offset 1m", "@", ":", "1e3", "Inf", "NaN",
        "abs", "clamp", "absent", "scalar", "vector", "time()", "le=\"+Inf\"", "\\", "#", "\n", "0x1f", "$",
        "[5m:1m]", "[1m:]", " @ 100", " @ start()", " @ end()", " offset -1m", " atan2 ", "max_over_time",
        "predict_linear", "holt_winters", "quantile_over_time", "count_values", "stddev", "group", "sort_desc",
        "year", "sgn", "pi()",
    ]

    static func storage() -> MemoryStorage {
        var storage = MemoryStorage()
        for step in 0..<20 {
            let time = Int64(step) * 30_000
            storage.append(Labels(["__name__": "up", "a": "1"]), timestamp: time, value: Double(step))
            storage.append(Labels(["__name__": "x", "a": "2", "le": "+Inf"]), timestamp: time, value: 1)
            storage.append(
                Labels(["__name__": "x", "b": "3", "le": "0.5"]), timestamp: time,
                value: step == 7 ? staleMarker : 0.5)
        }
        return storage
    }

    @Test func randomQueriesNeverCrash() {
        var generator = Generator(state: 42)
        let evaluator = Evaluator(storage: Self.storage())
        var parsed = 0
        for _ in 0..<4_000 {
            let count = 1 + generator.next(8)
            let query = (0..<count).map { _ in Self.fragments[generator.next(Self.fragments.count)] }.joined()
            guard let expr = try? Parser.parse(query) else { continue }
            parsed += 1
            #expect((try? Parser.parse(expr.description)) != nil, "printed form of \(query) must parse")
            _ = try? evaluator.evaluate(expr, at: Timestamp(seconds: 300))
            _ = try? evaluator.evaluateRange(
                expr, start: Timestamp(seconds: 0), end: Timestamp(seconds: 600), step: .minutes(2))
        }
        #expect(parsed > 100)
    }

    @Test func randomTestScriptsNeverCrash() {
        var generator = Generator(state: 7)
        let lines = [
            "load 1m", "load x", "clear", "eval instant at 1m up", "eval_fail instant at 0m x", "eval range from 0",
            "  up{a=\"1\"} 1+1x3 _ stale", "  up{a= 1", "  {} 1", "  x{a=\"1\",} 0x2", "  1", "  up 1 2", "",
            "# comment", "eval_ordered instant at 5m topk(1, up)", "  up{a=\"1\"} 3", "  m{a", "  m{a=\"}",
        ]
        for _ in 0..<2_000 {
            let count = 1 + generator.next(10)
            let text = (0..<count).map { _ in lines[generator.next(lines.count)] }.joined(separator: "\n")
            _ = (try? PromQLTestScript(parsing: text))?.run()
        }
    }
}

/// Times at the ends of the int64 range: results or errors, never an overflow trap.
struct ExtremeTimeTests {
    static let queries = [
        "up @ 9223372036854000", "up @ -9223372036854000", "max_over_time(up[5m:1m] @ 9223372036854000)",
        "max_over_time(up[5m:1m] @ -9223372036854000 offset 292y)", "year(up @ 9223372036854000)",
        "min_over_time((up @ -9223372036854000)[1h:1m] offset -292y)", "day_of_week()", "rate(up[292y] @ 1)",
    ]

    @Test("extreme @ times and offsets", arguments: queries)
    func extremeTimes(query: String) throws {
        let evaluator = Evaluator(storage: RobustnessTests.storage())
        for milliseconds in [Int64.min, -1, 0, Int64.max] {
            _ = try? evaluator.query(query, at: Timestamp(milliseconds: milliseconds))
        }
        let expr = try Parser.parse(query)
        _ = try? evaluator.evaluateRange(
            expr, start: Timestamp(milliseconds: .min), end: Timestamp(milliseconds: .max), step: .hours(1))
        _ = try? evaluator.evaluateRange(
            expr, start: Timestamp(milliseconds: .max - 3_600_000), end: Timestamp(milliseconds: .max),
            step: .minutes(30))
    }
}
