import Foundation
@testable import PromQL
import Testing

/// Parsing valid queries, printing them back, and the properties of the resulting tree.
struct ParserTests {
    /// Query → how the printer writes it. Parsing the printed text must print the same again.
    static let roundTrips: [(query: String, printed: String)] = [
        ("up", "up"),
        ("up{job=\"a\",instance!=\"b\"}", "up{job=\"a\", instance!=\"b\"}"),
        ("{__name__=~\"up|down\", job!~'x.*'}", "{__name__=~\"up|down\", job!~\"x.*\"}"),
        ("rate(http_requests_total[5m] offset 1h)", "rate(http_requests_total[5m] offset 1h)"),
        ("foo offset 90m", "foo offset 1h30m"),
        ("x[1h30m]", "x[1h30m]"),
        ("1 + 2 * 3", "1 + 2 * 3"),
        ("(1 + 2) * 3", "(1 + 2) * 3"),
        ("2 ^ 3 ^ 2", "2 ^ 3 ^ 2"),
        ("-foo", "-foo"),
        ("-1", "-1"),
        ("+foo", "+foo"),
        ("foo > bool 3", "foo > bool 3"),
        ("a + on(x, y) group_left(z) b", "a + on(x, y) group_left(z) b"),
        ("a / ignoring(x) group_right b", "a / ignoring(x) group_right() b"),
        ("a AND ON(x) b", "a and on(x) b"),
        ("SUM BY (job) (x)", "sum by (job) (x)"),
        ("sum(x) without (instance)", "sum without (instance) (x)"),
        ("topk(3, x)", "topk(3, x)"),
        ("quantile by (a) (0.9, x)", "quantile by (a) (0.9, x)"),
        (
            "histogram_quantile(0.95, sum by (le, agent) (rate(x_bucket[5m])))",
            "histogram_quantile(0.95, sum by (le, agent) (rate(x_bucket[5m])))"
        ),
        ("time() - last_seen > 90", "time() - last_seen > 90"),
        (
            "label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")",
            "label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")"
        ),
        ("absent(nonexistent{job=\"x\"})", "absent(nonexistent{job=\"x\"})"),
        ("1e3", "1000"),
        ("0x1F", "31"),
        (".5", "0.5"),
        ("Inf", "+Inf"),
        ("-inF", "-Inf"),
        ("NaN", "NaN"),
        ("\"a\\nb\"", "\"a\\nb\""),
        ("`raw\\string`", "\"raw\\\\string\""),
        ("foo:bar:rate5m", "foo:bar:rate5m"),
        ("x # a comment", "x"),
    ]

    @Test("printing is stable and round-trips", arguments: roundTrips)
    func printsAndRoundTrips(query: String, printed: String) throws {
        let expr = try Parser.parse(query)
        #expect(expr.description == printed)
        #expect(try Parser.parse(expr.description).description == printed)
    }

    @Test func precedenceFollowsPrometheus() throws {
        // `-a ^ b` is `-(a ^ b)`; `a - b - c` is left-associative; `a ^ b ^ c` right-associative.
        guard case .unary(let unary) = try Parser.parse("-a ^ b"), case .binary(let power) = unary.expr else {
            Issue.record("expected unary minus over a power")
            return
        }
        #expect(power.op == .pow)
        guard case .binary(let sub) = try Parser.parse("a - b - c"), case .binary(let left) = sub.lhs else {
            Issue.record("expected left-associative subtraction")
            return
        }
        #expect(left.op == .sub)
        guard case .binary(let pow) = try Parser.parse("a ^ b ^ c"), case .binary(let right) = pow.rhs else {
            Issue.record("expected right-associative power")
            return
        }
        #expect(right.op == .pow)
        guard case .binary(let or) = try Parser.parse("a or b and c"), case .binary(let and) = or.rhs else {
            Issue.record("expected and to bind tighter than or")
            return
        }
        #expect(or.op == .or && and.op == .and)
    }

    @Test func nodesCarrySourceRanges() throws {
        let query = "sum by (a) (rate(foo{x=\"y\"}[5m]))"
        guard case .aggregate(let sum) = try Parser.parse(query), case .call(let rate) = sum.expr else {
            Issue.record("unexpected tree")
            return
        }
        #expect(sum.range == SourceRange(0, query.utf8.count))
        let bytes = Array(query.utf8)
        let rateText = String(decoding: bytes[rate.range.start..<rate.range.end], as: UTF8.self)
        #expect(rateText == "rate(foo{x=\"y\"}[5m])")
        let argText = String(decoding: bytes[rate.args[0].range.start..<rate.args[0].range.end], as: UTF8.self)
        #expect(argText == "foo{x=\"y\"}[5m]")
    }

    static let types: [(query: String, type: ValueType)] = [
        ("1", .scalar), ("\"s\"", .string), ("x", .vector), ("x[1m]", .matrix), ("time()", .scalar),
        ("scalar(x)", .scalar), ("1 + x", .vector), ("1 + 2", .scalar), ("(x[1m])", .matrix),
    ]

    @Test("expressions have Prometheus' types", arguments: types)
    func expressionType(query: String, type: ValueType) throws {
        #expect(try Parser.parse(query).type == type)
    }
}

/// Printing every query of the Prometheus test files and parsing the output again gives the same text.
struct PrinterRoundTripOverTestFiles {
    @Test(arguments: ConformanceTests.files)
    func everyQueryRoundTrips(file: String) throws {
        let script = try PromQLTestScript(
            parsing: String(
                contentsOf: testdataDirectory.appendingPathComponent(file), encoding: .utf8))
        var checked = 0
        for case .eval(let eval) in script.commands {
            guard let expr = try? Parser.parse(eval.query) else { continue }
            let printed = expr.description
            let reparsed = try Parser.parse(printed)
            #expect(reparsed.description == printed, "\(file):\(eval.line): \(eval.query)")
            checked += 1
        }
        #expect(checked > 0)
    }
}

/// What the rule engine learns from a parsed expression before evaluating it.
struct ExprAnalysisTests {
    static let histories: [(query: String, milliseconds: Int64)] = [
        ("1 + 2", 0),
        ("up", 300_000),
        ("up offset 1h", 3_900_000),
        ("rate(x[5m])", 300_000),
        ("rate(x[1h] offset 30m) > avg_over_time(y[10m])", 5_400_000),
        ("histogram_quantile(0.9, sum by (le) (rate(b[15m])))", 900_000),
        // A subquery adds its range, its step and its offset to what its selectors read.
        ("max_over_time(rate(x[5m])[1h:1m])", 3_960_000),
        ("max_over_time(rate(x[5m])[1h:] offset 10m)", 4_560_000),
        ("max_over_time(max_over_time(x[1m])[10m:1m])[1h:5m]", 4_620_000),
        // A negative offset reads after the evaluation time; nothing is read before it but the lookback.
        ("x offset -10m", 0),
        ("rate(x[5m] offset -1m)", 240_000),
        // `@ start()`/`@ end()` read at the evaluation time, also inside a subquery; a fixed `@` is not counted.
        ("max_over_time(x[5m] @ end())", 300_000),
        ("max_over_time(x[10m:1m] @ end())", 960_000),
        ("max_over_time((x @ end())[1h:1m])", 300_000),
        ("x @ 1700000000", 0),
    ]

    @Test("history a rule needs", arguments: histories)
    func requiredHistory(query: String, milliseconds: Int64) throws {
        #expect(try Parser.parse(query).requiredHistory() == .milliseconds(milliseconds))
    }

    @Test func fixedAtTimeIsReportedForTheSelectorsItPins() throws {
        let reaches = try Parser.parse("a + max_over_time(b[5m:1m] @ 100)").selectorReaches()
        #expect(reaches.map(\.fixedTime) == [nil, 100_000])
        #expect(reaches.map(\.history) == [.minutes(5), .minutes(11)])
    }

    @Test func selectorsAreListedInSourceOrder() throws {
        let matchers = try Parser.parse("a{x=\"1\"} / on() group_left sum(rate(b[5m]))").selectorMatchers
        #expect(matchers.map { $0.map(\.value) } == [["a", "1"], ["b"]])
    }
}
