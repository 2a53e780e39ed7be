import Alerting
import Model
import PromQL
import Testing

struct MatcherParserTests {
    @Test(arguments: [
        (#"severity="critical""#, "severity", LabelMatcher.MatchType.equal, "critical"),
        (#"agent=~"order-.*""#, "agent", .regexMatch, "order-.*"),
        (#"env!="prod""#, "env", .notEqual, "prod"),
        (#"job!~"n.*""#, "job", .regexNoMatch, "n.*"),
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
    func parsesOneMatcher(text: String, name: String, kind: LabelMatcher.MatchType, value: String) throws {
        let matcher = try MatcherParser.parse(text)
        #expect(matcher.name == name)
        #expect(matcher.type == kind)
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
        #expect(matchers.map(\.alertmanagerText) == [#"foo="bar""#, #"dings!="bums""#, #"quote="a, \"b\"""#])
        #expect(
            try MatcherParser.parseList("foo=bar,dings!~bu.*").map(\.alertmanagerText) == [
                #"foo="bar""#, #"dings!~"bu.*""#,
            ])
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
        #expect(try LabelMatcher.alertmanager(.regexMatch, "x", pattern).matches(value) == matches)
        #expect(try LabelMatcher.alertmanager(.regexNoMatch, "x", pattern).matches(value) == !matches)
    }

    @Test func missingLabelsCompareAsEmpty() throws {
        let labels = Labels(["a": "1"])
        #expect(try LabelMatcher.alertmanager(.equal, "b", "").matches(labels))
        #expect(try !LabelMatcher(.notEqual, "b", "").matches(labels))
        #expect(try LabelMatcher.alertmanager(.notEqual, "b", "x").matches(labels))
    }
}
