extension ByteParser {
    /// Parses a string starting at its opening quote; the read position ends after the closing quote.
    ///
    /// Fast path: a string without escapes is validated in place and decoded once.
    mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            try stepOverCharacter(byte)
        }
        throw error("unexpected end of input in string")
    }

    /// Slow path once a backslash is seen: copies into a buffer while resolving escapes.
    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(index - start + 16)
        decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try appendEscape(to: &decoded)
            default:
                let runStart = index
                try stepOverCharacter(byte)
                decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            }
        }
        throw error("unexpected end of input in string")
    }

    /// Advances over one unescaped character, rejecting control characters and invalid UTF-8.
    private mutating func stepOverCharacter(_ byte: UInt8) throws(JSONParseError) {
        if byte < 0x20 {
            throw error("control character \(describe(byte)) in string must be escaped")
        }
        if byte < 0x80 {
            index += 1
            return
        }
        guard let length = validUTF8SequenceLength(at: index) else { throw error("invalid UTF-8 in string") }
        index += length
    }

    /// The length of the well-formed UTF-8 sequence at `position` (Unicode table 3-7), or `nil`.
    private func validUTF8SequenceLength(at position: Int) -> Int? {
        let lead = bytes[position]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        case 0xF1...0xF3: length = 4
        default: return nil
        }
        guard position + length <= bytes.count, secondRange.contains(bytes[position + 1]) else { return nil }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[position + offset]) {
            return nil
        }
        return length
    }

    /// Resolves the escape at the read position (a backslash) and appends its UTF-8 bytes.
    private mutating func appendEscape(to decoded: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else { throw error("unexpected end of input in string escape") }
        let simple: UInt8
        switch bytes[index] {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            index = escapeStart
            appendUTF8(try parseUnicodeEscape(), to: &decoded)
            return
        default:
            index = escapeStart
            throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(bytes[escapeStart + 1])))'")
        }
        decoded.append(simple)
        index += 1
    }

    /// Parses `\uXXXX`, or a surrogate pair `\uD83D\uDE00`, at the read position.
    private mutating func parseUnicodeEscape() throws(JSONParseError) -> UInt32 {
        let escapeStart = index
        let first = try parseHexQuad()
        switch first {
        case 0xDC00...0xDFFF:
            index = escapeStart
            throw error("unpaired low surrogate in \\u escape")
        case 0xD800...0xDBFF:
            let secondStart = index
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else {
                index = escapeStart
                throw error("high surrogate in \\u escape not followed by a low surrogate")
            }
            let second = try parseHexQuad()
            guard (0xDC00...0xDFFF).contains(second) else {
                index = secondStart
                throw error("high surrogate in \\u escape not followed by a low surrogate")
            }
            return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        default:
            return first
        }
    }

    /// Parses `\uXXXX` (the read position is at the backslash) into its 16-bit value.
    private mutating func parseHexQuad() throws(JSONParseError) -> UInt32 {
        index += 2
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw error("unexpected end of input in \\u escape") }
            guard let digit = hexDigitValue(bytes[index]) else {
                throw error("invalid hex digit \(describe(bytes[index])) in \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private func hexDigitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private func appendUTF8(_ scalar: UInt32, to decoded: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            decoded.append(UInt8(scalar))
        case 0x80..<0x800:
            decoded.append(UInt8(0xC0 | scalar >> 6))
            decoded.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            decoded.append(UInt8(0xE0 | scalar >> 12))
            decoded.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            decoded.append(UInt8(0x80 | scalar & 0x3F))
        default:
            decoded.append(UInt8(0xF0 | scalar >> 18))
            decoded.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            decoded.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            decoded.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
