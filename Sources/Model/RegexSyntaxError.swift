/// A pattern that Go's `regexp` package (and RE2) rejects, in Go's words:
/// `error parsing regexp: missing closing ): ` + "`^(?:(a)$`".
public struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, as Go's `regexp/syntax.ErrorCode` says it (`missing closing )`).
    public let code: String
    /// The offending part of the pattern, as Go quotes it.
    public let expression: String

    /// Creates an error from Go's code text and the offending expression.
    public init(code: String, expression: String) {
        self.code = code
        self.expression = expression
    }

    /// Go's `*syntax.Error` text, prefixed as `regexp.Compile` prefixes it.
    public var description: String { "error parsing regexp: \(code): `\(expression)`" }

    /// The error for RE2's `RE2::ErrorCode` value, worded as the Go code of the same meaning (Go's
    /// `regexp/syntax` was written from RE2's parser; the arguments they report are the same).
    init(re2Code: Int, expression: String) {
        let codes = [
            1: "regexp/syntax: internal error",  // ErrorInternal
            2: "invalid escape sequence",  // ErrorBadEscape
            3: "invalid character class",  // ErrorBadCharClass
            4: "invalid character class range",  // ErrorBadCharRange
            5: "missing closing ]",  // ErrorMissingBracket
            6: "missing closing )",  // ErrorMissingParen
            7: "unexpected )",  // ErrorUnexpectedParen
            8: "trailing backslash at end of expression",  // ErrorTrailingBackslash
            9: "missing argument to repetition operator",  // ErrorRepeatArgument
            10: "invalid repeat count",  // ErrorRepeatSize
            11: "invalid nested repetition operator",  // ErrorRepeatOp
            12: "invalid or unsupported Perl syntax",  // ErrorBadPerlOp
            13: "invalid UTF-8",  // ErrorBadUTF8
            14: "invalid named capture",  // ErrorBadNamedCapture
            15: "expression too large",  // ErrorPatternTooLarge
        ]
        self.init(code: codes[re2Code] ?? "regexp/syntax: internal error", expression: expression)
    }

    /// The error Go gives for syntax RE2 accepts but Go does not: `\C` (any byte), which Go calls an invalid
    /// escape. `\Q…\E` quotes its text.
    static func goOnly(in pattern: String) -> RegexSyntaxError? {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        var quoting = false
        while index + 1 < scalars.count {
            guard scalars[index] == "\\" else {
                index += 1
                continue
            }
            let escaped = scalars[index + 1]
            index += quoting && escaped != "E" ? 1 : 2
            if quoting {
                quoting = escaped != "E"
            } else if escaped == "Q" {
                quoting = true
            } else if escaped == "C" {
                return RegexSyntaxError(code: "invalid escape sequence", expression: "\\C")
            }
        }
        return nil
    }
}
