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

    /// Go's error for `\C` (RE2's "any byte", which Go calls an invalid escape).
    static let byteEscape = RegexSyntaxError(code: "invalid escape sequence", expression: "\\C")

    /// The UTF-8 offset of the first `\C` in `pattern` outside `\Q…\E`, or nil: syntax RE2 accepts and Go does not.
    static func byteEscapeOffset(in pattern: String) -> Int? {
        let bytes = Array(pattern.utf8)
        var index = 0
        var quoting = false
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            let escaped = bytes[index + 1]
            if quoting {
                quoting = escaped != UInt8(ascii: "E")
                index += quoting ? 1 : 2
                continue
            }
            if escaped == UInt8(ascii: "C") { return index }
            if escaped == UInt8(ascii: "Q") { quoting = true }
            index += 2
        }
        return nil
    }

    /// Which error Go reports first when RE2 rejects `pattern` with `re2Error` and `pattern` also has a `\C` at
    /// `byteEscapeOffset`: Go parses left to right, and a missing `)` or `]` shows only at the end.
    static func first(of re2Error: RegexSyntaxError, re2Code: Int, byteEscapeOffset: Int, in pattern: String)
        -> RegexSyntaxError
    {
        if re2Code == 5 || re2Code == 6 { return byteEscape }
        let bytes = Array(pattern.utf8), argument = Array(re2Error.expression.utf8)
        guard !argument.isEmpty, argument.count <= bytes.count else { return re2Error }
        let start = (0...(bytes.count - argument.count)).first {
            bytes[$0..<($0 + argument.count)].elementsEqual(argument)
        }
        return (start ?? Int.max) > byteEscapeOffset ? byteEscape : re2Error
    }
}
