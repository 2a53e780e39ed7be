extension JSONWriter {
    /// Appends `text` in double quotes, escaped as JSON requires and as browsers need.
    ///
    /// Runs of bytes that need no escape are copied in one go.
    mutating func appendQuoted(_ text: String) {
        var text = text
        bytes.append(UInt8(ascii: "\""))
        text.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                let escapeLength = Self.escapeLength(utf8, at: index, style: style)
                if escapeLength == 0 {
                    index += 1
                    continue
                }
                appendBytes(utf8, runStart..<index)
                appendEscape(for: byte, in: utf8, at: index)
                index += escapeLength
                runStart = index
            }
            appendBytes(utf8, runStart..<utf8.count)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// How many input bytes the escape at `index` replaces: 0 when none is needed.
    private static func escapeLength(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int, style: Style) -> Int {
        let byte = utf8[index]
        if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return 1 }
        if style == .goEncodingJSON, byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
        {
            return 1
        }
        // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: E2 80 A8 / E2 80 A9.
        if byte == 0xE2, index + 2 < utf8.count, utf8[index + 1] == 0x80, utf8[index + 2] & 0xFE == 0xA8 {
            return 3
        }
        return 0
    }

    private mutating func appendEscape(for byte: UInt8, in utf8: UnsafeBufferPointer<UInt8>, at index: Int) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
        case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
        case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
        case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
        case 0x08 where style == .standard: bytes.append(contentsOf: #"\b"#.utf8)
        case 0x0C where style == .standard: bytes.append(contentsOf: #"\f"#.utf8)
        case 0xE2: bytes.append(contentsOf: (utf8[index + 2] == 0xA8 ? #"\u2028"# : #"\u2029"#).utf8)
        default: appendUnicodeEscape(byte)
        }
    }

    /// Appends `\u00XX` for a control character (or, in Go's style, `<`, `>`, `&`).
    private mutating func appendUnicodeEscape(_ byte: UInt8) {
        bytes.append(contentsOf: #"\u00"#.utf8)
        bytes.append(Self.hexDigit(byte >> 4))
        bytes.append(Self.hexDigit(byte & 0x0F))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    private mutating func appendBytes(_ utf8: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        if !range.isEmpty { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[range])) }
    }
}
