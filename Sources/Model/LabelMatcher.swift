/// A compiled RE2-style regular expression, fully anchored as Prometheus anchors label regexes.
public struct AnchoredRegex: @unchecked Sendable {
    // Safety: `Regex` values are immutable after creation and matching does not mutate them.
    private let regex: Regex<AnyRegexOutput>
    private let shortcut: Shortcut?
    /// The pattern as written.
    public let pattern: String

    /// Patterns common in selectors that are answered without running the regex engine.
    private enum Shortcut {
        /// `a|b|c` of plain text.
        case literals(Set<String>)
        /// `.*`: anything without a line feed (RE2's `.` excludes `\n`).
        case anything
        /// `.+`: anything non-empty without a line feed.
        case anythingNonEmpty
    }

    /// Compiles `pattern` with RE2's (Go's) meaning; throws when Go would reject it.
    ///
    /// `\d`, `\w`, `\s` and POSIX classes match ASCII only, as in RE2. Perl constructs RE2 does not
    /// have (look-around, back-references, atomic groups, possessive quantifiers) are rejected.
    public init(_ pattern: String) throws {
        try rejectNonRE2Syntax(pattern)
        self.pattern = pattern
        self.regex = try Regex("(?:" + pattern + ")")
            .matchingSemantics(.unicodeScalar)
            .asciiOnlyCharacterClasses()
        self.shortcut = Self.shortcut(for: pattern)
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
        case nil: (try? regex.wholeMatch(in: text)) != nil
        }
    }

    /// The capture groups of a whole match of `text` (index 0 is the whole match), or nil without a match.
    public func captures(_ text: String) -> (numbered: [String], named: [String: String])? {
        guard let match = try? regex.wholeMatch(in: text) else { return nil }
        var numbered: [String] = []
        var named: [String: String] = [:]
        for element in match.output {
            let value = element.substring.map(String.init) ?? ""
            numbered.append(value)
            if let name = element.name { named[name] = value }
        }
        return (numbered, named)
    }
}

/// A label matcher: `name="v"`, `!=`, `=~`, `!~`, as PromQL selectors and Alertmanager's routes, inhibition
/// rules and silences use it. Regular expressions are fully anchored; a missing label has the value "".
///
/// Two matchers are equal when their type, name and value are.
public struct LabelMatcher: Sendable, Hashable {
    /// The kind of match.
    public enum MatchType: String, Sendable, Hashable, CaseIterable {
        /// `=`: the value equals.
        case equal = "="
        /// `!=`: the value differs.
        case notEqual = "!="
        /// `=~`: the whole value matches the regular expression.
        case regexMatch = "=~"
        /// `!~`: the whole value does not match the regular expression.
        case regexNoMatch = "!~"
    }

    /// The match type.
    public let type: MatchType
    /// The label name.
    public let name: String
    /// The value or pattern.
    public let value: String
    private let regex: AnchoredRegex?

    /// Creates a matcher; throws if a regex matcher's pattern does not compile.
    public init(_ type: MatchType, _ name: String, _ value: String) throws {
        self.type = type
        self.name = name
        self.value = value
        switch type {
        case .equal, .notEqual: regex = nil
        case .regexMatch, .regexNoMatch: regex = try AnchoredRegex(value)
        }
    }

    /// Whether a label value (empty when the label is absent) satisfies the matcher.
    public func matches(_ labelValue: String) -> Bool {
        switch type {
        case .equal: labelValue == value
        case .notEqual: labelValue != value
        case .regexMatch: regex?.matches(labelValue) ?? false
        case .regexNoMatch: !(regex?.matches(labelValue) ?? false)
        }
    }

    /// Whether the matcher matches the empty string (so it selects series lacking the label).
    public var matchesEmpty: Bool { matches("") }

    /// Whether a series with these labels satisfies the matcher.
    public func matches(_ labels: Labels) -> Bool { matches(labels[name]) }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.type == rhs.type && lhs.name == rhs.name && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        hasher.combine(name)
        hasher.combine(value)
    }
}

/// A pattern that Go's regexp package would not accept.
public struct RegexSyntaxError: Error, Sendable, CustomStringConvertible {
    /// The offending construct.
    public let construct: String

    /// Go's wording.
    public var description: String { "error parsing regexp: invalid or unsupported Perl syntax: `\(construct)`" }
}

/// Throws for Perl syntax that RE2 lacks but Swift's regex engine would accept.
private func rejectNonRE2Syntax(_ pattern: String) throws {
    let scalars = Array(pattern.unicodeScalars)
    var index = 0
    var inClass = false
    while index < scalars.count {
        let scalar = scalars[index]
        let next = index + 1 < scalars.count ? scalars[index + 1] : nil
        if scalar == "\\" {
            if !inClass, let next, next.properties.numericType != nil || next == "k" || next == "g" {
                throw RegexSyntaxError(construct: "\\" + String(next))
            }
            index += 2
            if next == "p" || next == "P", index < scalars.count, scalars[index] == "{" {
                while index < scalars.count, scalars[index] != "}" { index += 1 }
                index += 1
            }
            continue
        }
        if inClass {
            if scalar == "]" { inClass = false }
        } else if scalar == "[" {
            inClass = true
            if next == "]" || next == "^" { index += 1 }
        } else if scalar == "(", next == "?", index + 2 < scalars.count {
            let kind = scalars[index + 2]
            let lookbehind =
                kind == "<" && index + 3 < scalars.count
                && "=!".unicodeScalars.contains(scalars[index + 3])
            if kind == "=" || kind == "!" || kind == ">" || lookbehind {
                throw RegexSyntaxError(construct: String(String.UnicodeScalarView(scalars[index..<(index + 3)])))
            }
        } else if "*+?".unicodeScalars.contains(scalar), next == "+" {
            throw RegexSyntaxError(construct: String(scalar) + "+")
        }
        index += 1
    }
}
