/// A compiled RE2 regular expression, fully anchored as Prometheus anchors label regexes: `^(?:pattern)$`.
///
/// Matching runs in time linear in the text (RE2), so no pattern, however written, can stall a matcher.
/// The value is immutable and safe to share between threads.
public struct AnchoredRegex: Sendable {
    private let regex: RE2Regex
    private let shortcut: Shortcut?
    /// The pattern as written.
    public let pattern: String

    /// Patterns common in selectors that are answered without calling the regex engine.
    private enum Shortcut {
        /// `a|b|c` of plain text.
        case literals(Set<String>)
        /// `.*`: anything without a line feed (RE2's `.` excludes `\n`).
        case anything
        /// `.+`: anything non-empty without a line feed.
        case anythingNonEmpty
    }

    /// Compiles `^(?:pattern)$` with Go's (RE2's) syntax and meaning, as Prometheus and Alertmanager do.
    ///
    /// `\d`, `\w`, `\s` and POSIX classes match ASCII only; Perl constructs RE2 does not have (look-around,
    /// back-references, atomic groups, possessive quantifiers) are rejected.
    /// - Throws: ``RegexSyntaxError`` with Go's message, which names the anchored text where Go does.
    public init(_ pattern: String) throws(RegexSyntaxError) {
        self.pattern = pattern
        self.regex = try RE2Regex("^(?:" + pattern + ")$")
        self.shortcut = Self.shortcut(for: pattern)
    }

    /// Go's error for `pattern` compiled as written, without anchors (Alertmanager validates silences so);
    /// nil when it compiles.
    public static func syntaxError(unanchored pattern: String) -> RegexSyntaxError? {
        do {
            _ = try RE2Regex(pattern)
            return nil
        } catch {
            return error
        }
    }

    private static func shortcut(for pattern: String) -> Shortcut? {
        if pattern == ".*" { return .anything }
        if pattern == ".+" { return .anythingNonEmpty }
        let metacharacters = Set("\\.+*?()[]{}^$")
        guard !pattern.contains(where: { metacharacters.contains($0) }) else { return nil }
        return .literals(Set(pattern.split(separator: "|", omittingEmptySubsequences: false).map(String.init)))
    }

    /// Whether the whole of `text` matches.
    public func matches(_ text: String) -> Bool {
        switch shortcut {
        case .literals(let literals): literals.contains(text)
        case .anything: !text.contains("\n")
        case .anythingNonEmpty: !text.isEmpty && !text.contains("\n")
        case nil: regex.matches(text)
        }
    }

    /// The capture groups of a whole match of `text` (index 0 is the whole match; a group that took no part is
    /// ""), with the named ones by name, or nil without a match: what Go's `Regexp.ExpandString` reads.
    public func captures(_ text: String) -> (numbered: [String], named: [String: String])? {
        guard let numbered = regex.submatches(text) else { return nil }
        var named: [String: String] = [:]
        for (group, name) in regex.groupNames where group < numbered.count {
            named[name] = numbered[group]
        }
        return (numbered, named)
    }
}
