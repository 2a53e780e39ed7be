import PromQL
import Testing

/// Parse errors, with the messages and positions `promtool check rules` 2.42 prints for the same input.
struct ParserErrorTests {
    static let cases: [(query: String, message: String)] = [
        ("sum(", "1:5: parse error: unclosed left parenthesis"),
        ("foo{", "1:5: parse error: unexpected end of input inside braces"),
        ("foo{a=\"b\"", "1:10: parse error: unexpected end of input inside braces"),
        ("1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"),
        ("foo and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"),
        ("rate(foo)", "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"),
        ("rate(foo[5m], 1)", "1:1: parse error: expected 1 argument(s) in call to \"rate\", got 2"),
        ("nosuchfn(foo)", "1:1: parse error: unknown function with name \"nosuchfn\""),
        ("{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        ("{a=\"\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        ("foo[5m] + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types"),
        ("foo offset 5m offset 1m", "1:1: parse error: offset may not be set multiple times"),
        ("foo @ 100 @ 200", "1:1: parse error: @ <timestamp> may not be set multiple times"),
        (
            "(foo + 1) @ 100",
            "1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector "
                + "or a subquery"
        ),
        ("foo[5m][5m:1m]", "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"),
        ("1[5m:]", "1:1: parse error: subquery is only allowed on instant vector, got scalar instead"),
        ("foo @ 100 [5m]", "1:11: parse error: no @ modifiers allowed before range"),
        ("foo offset 1m [5m]", "1:15: parse error: no offset modifiers allowed before range"),
        ("foo[5m:1m] offset 1m offset 2m", "1:1: parse error: offset may not be set multiple times"),
        ("foo @ Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"),
        ("count_values(1, foo)", "1:14: parse error: expected type string in aggregation parameter, got scalar"),
        ("(foo)[5m]", "1:6: parse error: ranges only allowed for vector selectors"),
        ("foo bool", "1:5: parse error: unexpected <bool>"),
        ("foo + bool bar", "1:5: parse error: bool modifier can only be used on comparison operators"),
        ("1 + on(a) foo", "1:1: parse error: vector matching only allowed between instant vectors"),
        ("topk(foo, bar)", "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"),
        ("sum(1)", "1:5: parse error: expected type instant vector in aggregation expression, got scalar"),
        (
            "-\"a\"",
            "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, "
                + "got \"string\""
        ),
        ("foo{__name__=\"bar\"}", "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""),
        ("round(foo, 1, 2)", "1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3"),
        ("label_join(foo)", "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1"),
        (
            "foo + on(a) group_left(a) bar",
            "1:5: parse error: label \"a\" must not occur in ON and GROUP clause at once"
        ),
        ("foo and group_left bar", "1:9: parse error: unexpected <group_left>"),
        ("'unterminated", "1:1: parse error: unterminated quoted string"),
        (
            "histogram_quantile(foo, 0.9)",
            "1:20: parse error: expected type scalar in call to function \"histogram_quantile\", got instant vector"
        ),
        (
            "sum by (a:b) (foo)",
            "1:9: parse error: unexpected metric identifier \"a:b\" in grouping opts, expected label"
        ),
        ("foo$", "1:4: parse error: unexpected character: '$'"),
        (
            "quantile(0.5)",
            "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1"
        ),
        ("time(1)", "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1"),
        ("5m", "1:1: parse error: unexpected duration \"5m\""),
        ("foo[5]", "1:5: parse error: missing unit character in duration"),
        ("foo +\n  (bar", "2:7: parse error: unclosed left parenthesis"),
        ("rate(x[300y])", "1:8: parse error: duration out of range"),
        ("x offset 99999999999999999999s", "1:10: parse error: duration out of range"),
        (#"up{a=~"(a"}"#, "1:4: parse error: error parsing regexp: missing closing ): `^(?:(a)$`"),
        (#"up{a=~"a++"}"#, "1:4: parse error: error parsing regexp: invalid nested repetition operator: `++`"),
        (#"up{a=~"(a)\\1"}"#, "1:4: parse error: error parsing regexp: invalid escape sequence: `\\1`"),
        (#"up{a=~"\\C"}"#, "1:4: parse error: error parsing regexp: invalid escape sequence: `\\C`"),
        // Valid once anchored (`^(?:α)|(zz)$`), refused as written: Prometheus parses both.
        (#"svc{name=~"α)|(zz"}"#, "1:5: parse error: error parsing regexp: unexpected ): `α)|(zz`"),
    ]

    @Test("parse errors match Prometheus", arguments: cases)
    func parseErrorMatchesPrometheus(query: String, message: String) {
        #expect(throws: (any Error).self) { try Parser.parse(query) }
        do {
            _ = try Parser.parse(query)
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let query = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        #expect(throws: ParseError.self) { try Parser.parse(query) }
        let unary = String(repeating: "-", count: 100_000) + "1"
        #expect(throws: ParseError.self) { try Parser.parse(unary) }
        let chain = Array(repeating: "1", count: 100_000).joined(separator: " + ")
        #expect(throws: ParseError.self) { try Parser.parse(chain) }
        let fine = String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        #expect(throws: Never.self) { try Parser.parse(fine) }
    }

    /// Constructs of PromQL 2.42 that the engine began without; printed back as Prometheus prints them.
    static let fullPromQL: [(query: String, printed: String)] = [
        ("foo[5m:1m]", "foo[5m:1m]"),
        ("max_over_time(rate(foo[1m])[5m:])", "max_over_time(rate(foo[1m])[5m:])"),
        ("foo @ 100", "foo @ 100.000"),
        ("foo offset 5m @ 1.5", "foo @ 1.500 offset 5m"),
        ("foo[1m] @ end() offset -5m", "foo[1m] @ end() offset -5m"),
        ("sum_over_time(foo[5m:1m] @ start() offset 10s)", "sum_over_time(foo[5m:1m] @ start() offset 10s)"),
        ("foo offset -5m", "foo offset -5m"),
        ("sgn(foo)", "sgn(foo)"),
        ("predict_linear(foo[5m], 60)", "predict_linear(foo[5m], 60)"),
        ("stddev(foo)", "stddev(foo)"),
        ("count_values(\"v\", foo)", "count_values(\"v\", foo)"),
        ("group by (a) (foo)", "group by (a) (foo)"),
        ("foo atan2 bar", "foo atan2 bar"),
        ("year()", "year()"),
        ("pi()", "pi()"),
    ]

    @Test("constructs of PromQL 2.42 parse and print back", arguments: fullPromQL)
    func fullPromQLParses(query: String, printed: String) throws {
        let expr = try Parser.parse(query)
        #expect(expr.description == printed)
        #expect(try Parser.parse(expr.description).description == printed)
    }
}
