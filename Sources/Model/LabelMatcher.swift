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

    /// Creates a matcher, compiling a regex matcher's pattern once (as ``AnchoredRegex``).
    /// - Throws: ``RegexSyntaxError`` in Go's words when a regex matcher's pattern does not compile.
    public init(_ type: MatchType, _ name: String, _ value: String) throws(RegexSyntaxError) {
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
