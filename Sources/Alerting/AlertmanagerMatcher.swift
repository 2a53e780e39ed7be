import Model

/// Alertmanager's view of a ``LabelMatcher``: API v2's `isRegex`/`isEqual` flags, Go's wording of regular
/// expression errors, its text form and its order.
extension LabelMatcher.MatchType {
    /// Whether the value is a regular expression (API v2 `isRegex`).
    public var isRegex: Bool { self == .regexMatch || self == .regexNoMatch }
    /// Whether the matcher asserts a match rather than its absence (API v2 `isEqual`).
    public var isEqual: Bool { self == .equal || self == .regexMatch }

    /// The type with API v2's `isRegex` and `isEqual` flags.
    public init(isRegex: Bool, isEqual: Bool) {
        switch (isRegex, isEqual) {
        case (false, true): self = .equal
        case (false, false): self = .notEqual
        case (true, true): self = .regexMatch
        case (true, false): self = .regexNoMatch
        }
    }

    /// Alertmanager's order of match types: `=`, `!=`, `=~`, `!~`.
    var alertmanagerRank: Int {
        switch self {
        case .equal: 0
        case .notEqual: 1
        case .regexMatch: 2
        case .regexNoMatch: 3
        }
    }
}

extension LabelMatcher {
    /// Creates a matcher as Alertmanager does, with its error messages.
    /// - Throws: ``MatcherError`` in Go's words (``RegexSyntaxError``) when a regex type's value is not a valid
    ///   RE2 expression.
    public static func alertmanager(_ type: MatchType, _ name: String, _ value: String) throws(MatcherError)
        -> LabelMatcher
    {
        do {
            return try LabelMatcher(type, name, value)
        } catch {
            // Alertmanager compiles `^(?:value)$`, so Go names that text where it quotes the whole pattern.
            throw MatcherError(error.description)
        }
    }

    /// Go's error for `pattern` compiled as written (silence validation does not anchor it); nil when it compiles.
    static func goRegexErrorUnanchored(_ pattern: String) -> String? {
        AnchoredRegex.syntaxError(unanchored: pattern)?.description
    }

    /// `name="value"` with the value escaped as Alertmanager prints it (`\\`, `\n`, `\"`).
    public var alertmanagerText: String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += #"\\"#
            case "\n": escaped += #"\n"#
            case "\"": escaped += #"\""#
            default: escaped.unicodeScalars.append(character)
            }
        }
        return "\(name)\(type.rawValue)\"\(escaped)\""
    }

    /// Alertmanager's order of matchers (in route keys): by name, then value, then type.
    public static func alertmanagerOrder(_ lhs: LabelMatcher, _ rhs: LabelMatcher) -> Bool {
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        if lhs.value != rhs.value { return lhs.value < rhs.value }
        return lhs.type.alertmanagerRank < rhs.type.alertmanagerRank
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

extension Array where Element == LabelMatcher {
    /// Whether every matcher matches `labels`.
    public func matches(_ labels: Labels) -> Bool {
        allSatisfy { $0.matches(labels) }
    }

    /// `{a="b",c=~"d"}`, the form Alertmanager uses in route keys.
    public var alertmanagerDescription: String {
        "{" + map(\.alertmanagerText).joined(separator: ",") + "}"
    }
}
