import Model

/// One Alertmanager label matcher: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`.
///
/// Regular expressions are fully anchored (`^(?:regex)$`), as in Alertmanager. A missing label has the
/// value "".
public struct Matcher: Sendable, Hashable, CustomStringConvertible {
    /// The kind of comparison.
    public enum Kind: Int, Sendable, Hashable, Comparable {
        /// `=`
        case equal
        /// `!=`
        case notEqual
        /// `=~`
        case regex
        /// `!~`
        case notRegex

        /// The operator as written.
        public var symbol: String {
            switch self {
            case .equal: "="
            case .notEqual: "!="
            case .regex: "=~"
            case .notRegex: "!~"
            }
        }

        /// Whether the value is a regular expression (API v2 `isRegex`).
        public var isRegex: Bool { self == .regex || self == .notRegex }
        /// Whether the matcher asserts a match rather than its absence (API v2 `isEqual`).
        public var isEqual: Bool { self == .equal || self == .regex }

        /// The kind with API v2's `isRegex` and `isEqual` flags.
        public init(isRegex: Bool, isEqual: Bool) {
            switch (isRegex, isEqual) {
            case (false, true): self = .equal
            case (false, false): self = .notEqual
            case (true, true): self = .regex
            case (true, false): self = .notRegex
            }
        }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The comparison.
    public let kind: Kind
    /// The label name.
    public let name: String
    /// The value, or the regular expression for regex kinds.
    public let value: String
    private let regex: AnchoredRegex?

    /// Creates a matcher.
    /// - Throws: ``MatcherError`` when a regex kind's value is not a valid RE2 expression.
    public init(_ kind: Kind, _ name: String, _ value: String) throws(MatcherError) {
        self.kind = kind
        self.name = name
        self.value = value
        guard kind.isRegex else {
            regex = nil
            return
        }
        do {
            regex = try AnchoredRegex(value)
        } catch {
            // Alertmanager compiles `^(?:value)$`, so Go names that text in its errors.
            throw MatcherError(Self.goRegexError(error, pattern: "^(?:" + value + ")$"))
        }
    }

    /// Go's wording for a regular expression that does not compile, as far as it can be told from the
    /// Swift error: unbalanced parentheses and brackets, a missing repetition argument and a bad repeat
    /// count are worded as Go words them (checked against Alertmanager 0.25); other errors keep Swift's
    /// explanation after Go's prefix.
    static func goRegexError(_ error: any Error, pattern: String) -> String {
        if let error = error as? RegexSyntaxError { return error.description }
        let text = "\(error)"
        let explanation: String
        if text.contains("expected ')'") {
            explanation = "missing closing ): `\(pattern)`"
        } else if text.contains("closing ')' does not balance") {
            explanation = "unexpected ): `\(pattern)`"
        } else if text.contains("expected ']'"), let open = pattern.lastIndex(of: "[") {
            explanation = "missing closing ]: `\(pattern[open...])`"
        } else if let bounds = text.firstMatch(of: /lower bound '(\d+)' must be less than or equal to upper bound '(\d+)'/) {
            explanation = "invalid repeat count: `{\(bounds.1),\(bounds.2)}`"
        } else if let quantifier = text.firstMatch(of: /quantifier '(.+)' must appear after expression/)?.1 {
            explanation = "missing argument to repetition operator: `\(quantifier)`"
        } else {
            explanation = text
        }
        return "error parsing regexp: " + explanation
    }

    /// Go's error for `pattern` compiled as written (silence validation does not anchor it); nil when it compiles.
    static func goRegexErrorUnanchored(_ pattern: String) -> String? {
        do {
            _ = try AnchoredRegex(pattern)
            return nil
        } catch {
            return goRegexError(error, pattern: pattern)
        }
    }

    /// Whether a label value ("" when the label is absent) satisfies the matcher.
    public func matches(_ labelValue: String) -> Bool {
        switch kind {
        case .equal: labelValue == value
        case .notEqual: labelValue != value
        case .regex: regex?.matches(labelValue) ?? false
        case .notRegex: !(regex?.matches(labelValue) ?? false)
        }
    }

    /// Whether the label set satisfies the matcher.
    public func matches(_ labels: Labels) -> Bool { matches(labels[name]) }

    /// `name="value"` with the value escaped as Alertmanager prints it (`\\`, `\n`, `\"`).
    public var description: String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += #"\\"#
            case "\n": escaped += #"\n"#
            case "\"": escaped += #"\""#
            default: escaped.unicodeScalars.append(character)
            }
        }
        return "\(name)\(kind.symbol)\"\(escaped)\""
    }

    public static func == (lhs: Matcher, rhs: Matcher) -> Bool {
        lhs.kind == rhs.kind && lhs.name == rhs.name && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(name)
        hasher.combine(value)
    }

    /// Alertmanager's order of matchers (in route keys): by name, then value, then kind.
    public static func alertmanagerOrder(_ lhs: Matcher, _ rhs: Matcher) -> Bool {
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        if lhs.value != rhs.value { return lhs.value < rhs.value }
        return lhs.kind < rhs.kind
    }
}

/// A matcher that cannot be parsed or compiled; the message is Alertmanager's.
public struct MatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, as Alertmanager words it (`bad matcher format: …`).
    public let message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension Array where Element == Matcher {
    /// Whether every matcher matches `labels`.
    public func matches(_ labels: Labels) -> Bool {
        allSatisfy { $0.matches(labels) }
    }

    /// `{a="b",c=~"d"}`, the form Alertmanager uses in route keys.
    public var alertmanagerDescription: String {
        "{" + map(\.description).joined(separator: ",") + "}"
    }
}
