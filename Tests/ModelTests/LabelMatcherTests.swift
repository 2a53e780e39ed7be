import Model
import Testing

/// Label matchers follow Go's RE2 regexes, fully anchored as in Prometheus.
struct LabelMatcherTests {
    static let regexCases: [(pattern: String, text: String, matches: Bool)] = [
        ("b", "abc", false),  // anchored at both ends
        ("a.c", "abc", true),
        ("a|b", "b", true),
        ("a|b", "ab", false),
        ("a|", "", true),
        (".*", "", true),
        (".*", "a\nb", false),  // `.` does not match a line feed
        ("(?s).*", "a\nb", true),
        (".+", "", false),
        ("\\w+", "Ünïcode", false),  // \w is ASCII-only in RE2
        ("\\w+", "abc_1", true),
        ("\\d", "٣", false),  // \d is ASCII-only (Arabic-Indic three)
        ("\\p{Han}+", "日本", true),
        ("(?i)abc", "ABC", true),
        ("(?i:AB)c", "abC", false),
        ("[[:alpha:]]+", "abc", true),
        ("2..", "200", true),
        ("x{2}", "xx", true),
    ]

    @Test("regex matchers", arguments: regexCases)
    func regexMatches(pattern: String, text: String, matches: Bool) throws {
        #expect(try LabelMatcher(.regexMatch, "l", pattern).matches(text) == matches)
        #expect(try LabelMatcher(.regexNoMatch, "l", pattern).matches(text) == !matches)
    }

    static let rejected: [(pattern: String, message: String)] = [
        ("a(?=b)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
        ("a(?!b)", "error parsing regexp: invalid or unsupported Perl syntax: `(?!`"),
        ("(?<=a)b", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"),
        ("(a)\\1", "error parsing regexp: invalid or unsupported Perl syntax: `\\1`"),
        ("a++", "error parsing regexp: invalid or unsupported Perl syntax: `++`"),
    ]

    @Test("Perl syntax RE2 lacks is rejected", arguments: rejected)
    func perlOnlySyntaxIsRejected(pattern: String, message: String) {
        #expect(throws: (any Error).self) { try LabelMatcher(.regexMatch, "l", pattern) }
        do {
            _ = try LabelMatcher(.regexMatch, "l", pattern)
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func matchersOnAbsentLabelsSeeTheEmptyString() throws {
        let labels = Labels(["__name__": "up", "job": "a"])
        #expect(try LabelMatcher(.equal, "zone", "").matches(labels))
        #expect(try LabelMatcher(.notEqual, "zone", "x").matches(labels))
        #expect(try !LabelMatcher(.regexMatch, "zone", ".+").matches(labels))
        #expect(try LabelMatcher(.regexNoMatch, "job", "b|c").matches(labels))
    }
}
