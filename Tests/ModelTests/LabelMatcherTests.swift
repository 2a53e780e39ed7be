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
        ("\\Qa.b\\C\\E", "a.b\\C", true),  // quoted text, \C included
        ("(?P<n>a)", "a", true),
        ("\\pN+", "42", true),
        ("\\z", "", true),
        ("(a)|b", "b", true),
        // Alertmanager compiles `^(?:a)|(b)$`: the anchors bind to the alternatives (PromQL refuses the pattern)
        ("a)|(b", "ax", true),
        ("a)|(b", "xb", true),
        ("a)|(b", "xa", false),
        ("a\u{0}b", "a\u{0}b", true),  // NUL is a character like any other
        ("é.", "éü", true),  // `.` is one code point, not one byte
        ("a{24}(a|a)*b", String(repeating: "a", count: 60), false),
    ]

    @Test("regex matchers", arguments: regexCases)
    func regexMatches(pattern: String, text: String, matches: Bool) throws {
        #expect(try LabelMatcher(.regexMatch, "l", pattern).matches(text) == matches)
        #expect(try LabelMatcher(.regexNoMatch, "l", pattern).matches(text) == !matches)
    }

    /// Go's messages, as promtool 2.42 prints them for `up{l=~"pattern"}` (Prometheus compiles `^(?:pattern)$`).
    static let rejected: [(pattern: String, message: String)] = [
        ("a(?=b)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
        ("a(?!b)", "error parsing regexp: invalid or unsupported Perl syntax: `(?!`"),
        ("(?<=a)b", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"),
        ("(?<n>a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"),
        ("(?P=n)", "error parsing regexp: invalid or unsupported Perl syntax: `(?P`"),
        ("(?z)", "error parsing regexp: invalid or unsupported Perl syntax: `(?z`"),
        ("(a)\\1", "error parsing regexp: invalid escape sequence: `\\1`"),
        ("\\Z", "error parsing regexp: invalid escape sequence: `\\Z`"),
        ("\\C", "error parsing regexp: invalid escape sequence: `\\C`"),  // RE2 in C++ has \C (any byte); Go not
        ("[\\C]", "error parsing regexp: invalid escape sequence: `\\C`"),
        ("(?=x)\\C", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),  // the first error
        ("\\C(?=x)", "error parsing regexp: invalid escape sequence: `\\C`"),
        ("(\\C", "error parsing regexp: invalid escape sequence: `\\C`"),
        ("\\x{110000}", "error parsing regexp: invalid escape sequence: `\\x{110000`"),
        ("a++", "error parsing regexp: invalid nested repetition operator: `++`"),
        ("x{2}{3}", "error parsing regexp: invalid nested repetition operator: `{2}{3}`"),
        ("*", "error parsing regexp: missing argument to repetition operator: `*`"),
        ("a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"),
        ("(a{1000}){1000}", "error parsing regexp: invalid repeat count: `{1000}`"),
        ("[z-a]", "error parsing regexp: invalid character class range: `z-a`"),
        ("[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`"),
        ("\\p{Foo}", "error parsing regexp: invalid character class range: `\\p{Foo}`"),
        ("(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`"),
        ("(?P<n!>a)", "error parsing regexp: invalid named capture: `(?P<n!>`"),
        ("(a", "error parsing regexp: missing closing ): `^(?:(a)$`"),
        ("a)", "error parsing regexp: unexpected ): `^(?:a))$`"),
        ("[a", "error parsing regexp: missing closing ]: `[a)$`"),
        ("\\", "error parsing regexp: missing closing ): `^(?:\\)$`"),
        // RE2 caps a compiled pattern at 8 MiB where Go 1.19 accepts this one; the error is Go's for a larger one.
        ("\\pL{1000}", "error parsing regexp: expression too large: `^(?:\\pL{1000})$`"),
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
