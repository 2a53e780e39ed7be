/// Character classes of the lexer and of label names: ASCII digits, and letters with `_`.
@inline(__always)
func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

@inline(__always)
func isLetter(_ byte: UInt8) -> Bool {
    (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
}
