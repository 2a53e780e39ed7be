import Alerting
import Model
import PromQL
import Testing

struct MatcherParserTests {
    @Test(arguments: [
        (#"severity="critical""#, "severity", Matcher.Kind.equal, "critical"),
        (#"agent=~"order-.*""#, "agent", .regex, "order-.*"),
        (#"env!="prod""#, "env", .notEqual, "prod"),
        (#"job!~"n.*""#, "job", .notRegex, "n.*"),
        ("severity=critical", "severity", .equal, "critical"),
        ("  team =  a b  ", "team", .equal, "a b"),
        (#"a="""#, "a", .equal, ""),
        ("a=", "a", .equal, ""),
        (#"q="say \"hi\"""#, "q", .equal, #"say "hi""#),
        (#"n="line\nbreak""#, "n", .equal, "line\nbreak"),
        (#"b="back\\slash""#, "b", .equal, #"back\slash"#),
        (#"s="\d+""#, "s", .equal, #"\d+"#),
        (#"t=end\"#, "t", .equal, #"end\"#),
        ("ns:sub=x", "ns:sub", .equal, "x"),
        ("a==b", "a", .equal, "=b"),
        (#"u="ünï""#, "u", .equal, "ünï"),
    ])
    func parsesOneMatcher(text: String, name: String, kind: Matcher.Kind, value: String) throws {
        let matcher = try MatcherParser.parse(text)
        #expect(matcher.name == name)
        #expect(matcher.kind == kind)
        #expect(matcher.value == value)
    }

    @Test(arguments: [
        ("severity", "bad matcher format: severity"),
        ("1abc=x", "bad matcher format: 1abc=x"),
        ("=x", "bad matcher format: =x"),
        (#"a="b"c""#, #"matcher value contains unescaped double quote: "b"c""#),
        (#"a="open"#, #"matcher value contains unescaped double quote: "open"#),
        (#"a=b"c"#, #"matcher value contains unescaped double quote: b"c"#),
        (#"a=~"(?=x)""#, "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
    ])
    func refusesBadMatchers(text: String, message: String) {
        #expect(throws: MatcherError(message)) { try MatcherParser.parse(text) }
    }

    /// Alertmanager compiles `^(?:pattern)$` and Go quotes that text (messages read from Alertmanager 0.25's
    /// `GET /api/v2/alerts?filter=…`).
    @Test(arguments: [
        (#"a=~"(""#, "error parsing regexp: missing closing ): `^(?:()$`"),
        (#"a=~"x)""#, "error parsing regexp: unexpected ): `^(?:x))$`"),
        (#"a=~"[x""#, "error parsing regexp: missing closing ]: `[x)$`"),
        (#"a=~"x{2,1}""#, "error parsing regexp: invalid repeat count: `{2,1}`"),
        (#"a=~"*""#, "error parsing regexp: missing argument to repetition operator: `*`"),
    ])
    func invalidRegexesAreWordedAsGo(text: String, message: String) {
        #expect(throws: MatcherError(message)) { try MatcherParser.parse(text) }
    }

    @Test func listsSplitOnCommasOutsideQuotesWithOptionalBraces() throws {
        let matchers = try MatcherParser.parseList(#"{foo = "bar", dings != "bums", quote="a, \"b\"", }"#)
        #expect(matchers.map(\.description) == [#"foo="bar""#, #"dings!="bums""#, #"quote="a, \"b\"""#])
        #expect(try MatcherParser.parseList("foo=bar,dings!~bu.*").map(\.description) == [#"foo="bar""#, #"dings!~"bu.*""#])
        #expect(try MatcherParser.parseList("{}").isEmpty)
    }

    @Test(arguments: [
        ("order-.*", "order-1", true),
        ("order-.*", "my-order-1", false),  // anchored at the start
        ("order", "order-1", false),  // anchored at the end
        ("a|b", "b", true),
        (".*", "", true),
    ])
    func regexMatchersAreFullyAnchored(pattern: String, value: String, matches: Bool) throws {
        #expect(try Matcher(.regex, "x", pattern).matches(value) == matches)
        #expect(try Matcher(.notRegex, "x", pattern).matches(value) == !matches)
    }

    @Test func missingLabelsCompareAsEmpty() throws {
        let labels = Labels(["a": "1"])
        #expect(try Matcher(.equal, "b", "").matches(labels))
        #expect(try !Matcher(.notEqual, "b", "").matches(labels))
        #expect(try Matcher(.notEqual, "b", "x").matches(labels))
    }
}
