import Model

/// Parses matchers in Alertmanager 0.25's syntax (`pkg/labels/parse.go`), as used by `matchers:` in the
/// configuration, by `amtool` and by the API's `filter` parameter.
public enum MatcherParser {
    /// Parses a comma-separated list, optionally in braces: `{foo="bar", dings!=bums}`.
    ///
    /// Commas inside double quotes do not separate; a trailing comma is allowed.
    /// - Throws: ``MatcherError`` for the first matcher that does not parse.
    public static func parseList(_ text: String) throws(MatcherError) -> [LabelMatcher] {
        var body = Substring(text)
        if body.hasPrefix("{") { body = body.dropFirst() }
        if body.hasSuffix("}") { body = body.dropLast() }
        var matchers: [LabelMatcher] = []
        for token in splitOutsideQuotes(body) {
            matchers.append(try parse(token))
        }
        return matchers
    }

    private static func splitOutsideQuotes(_ text: Substring) -> [String] {
        var tokens: [String] = []
        var token = ""
        var insideQuotes = false
        var escaped = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case ",":
                if !insideQuotes {
                    tokens.append(token)
                    token = ""
                    continue
                }
            case "\"":
                if !escaped { insideQuotes.toggle() } else { escaped = false }
            case "\\":
                escaped.toggle()
            default:
                escaped = false
            }
            token.unicodeScalars.append(scalar)
        }
        let last = token.trimmingGoSpace()
        if !last.isEmpty { tokens.append(last) }
        return tokens
    }

    /// Parses one matcher: a label name, one of `=`, `!=`, `=~`, `!~`, and a value that may be quoted.
    ///
    /// Inside the value `\"`, `\n` and `\\` are escapes; any other backslash is literal.
    /// - Throws: ``MatcherError`` (`bad matcher format: …`, `matcher value contains unescaped double quote: …`,
    ///   or the regular expression's error).
    public static func parse(_ text: String) throws(MatcherError) -> LabelMatcher {
        guard let (name, kind, rawValue) = split(text) else {
            throw MatcherError("bad matcher format: \(text)")
        }
        let value = try unescape(rawValue)
        return try LabelMatcher.alertmanager(kind, name, value)
    }

    /// Splits `  name op value  ` as the regular expression `^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*(.*?)\s*$`.
    private static func split(_ text: String) -> (String, LabelMatcher.MatchType, String)? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count, scalars[index].isGoSpace { index += 1 }
        let nameStart = index
        while index < scalars.count, isNameScalar(scalars[index], first: index == nameStart) { index += 1 }
        guard index > nameStart else { return nil }
        let name = String(String.UnicodeScalarView(scalars[nameStart..<index]))
        while index < scalars.count, scalars[index].isGoSpace { index += 1 }
        guard let (kind, length) = operatorAt(scalars, index) else { return nil }
        index += length
        let value = String(String.UnicodeScalarView(scalars[index...])).trimmingGoSpace()
        return (name, kind, value)
    }

    private static func operatorAt(_ scalars: [Unicode.Scalar], _ index: Int) -> (LabelMatcher.MatchType, Int)? {
        guard index < scalars.count else { return nil }
        let next = index + 1 < scalars.count ? scalars[index + 1] : nil
        switch (scalars[index], next) {
        case ("=", "~"): return (.regexMatch, 2)
        case ("=", _): return (.equal, 1)
        case ("!", "="): return (.notEqual, 2)
        case ("!", "~"): return (.regexNoMatch, 2)
        default: return nil
        }
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar, first: Bool) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "_", ":": true
        case "0"..."9": !first
        default: false
        }
    }

    private static func unescape(_ raw: String) throws(MatcherError) -> String {
        var scalars = Array(raw.unicodeScalars)
        var expectTrailingQuote = false
        if scalars.first == "\"" {
            scalars.removeFirst()
            expectTrailingQuote = true
        }
        var value = ""
        var escaped = false
        for (index, scalar) in scalars.enumerated() {
            if escaped {
                escaped = false
                switch scalar {
                case "n": value += "\n"
                case "\"", "\\": value.unicodeScalars.append(scalar)
                default: value += "\\" + String(scalar)
                }
                continue
            }
            switch scalar {
            case "\\":
                if index < scalars.count - 1 { escaped = true } else { value += "\\" }
            case "\"":
                guard expectTrailingQuote, index == scalars.count - 1 else {
                    throw MatcherError("matcher value contains unescaped double quote: \(raw)")
                }
                expectTrailingQuote = false
            default:
                value.unicodeScalars.append(scalar)
            }
        }
        if expectTrailingQuote { throw MatcherError("matcher value contains unescaped double quote: \(raw)") }
        return value
    }
}

extension Unicode.Scalar {
    /// RE2's `\s`: space, tab, newline, form feed, carriage return.
    fileprivate var isGoSpace: Bool {
        self == " " || self == "\t" || self == "\n" || self == "\u{0C}" || self == "\r"
    }
}

extension StringProtocol {
    fileprivate func trimmingGoSpace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.isGoSpace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isGoSpace { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
