import Model

extension Lexer {
    /// Lexes `12`, `1.5e3`, `.5`, `0x1f`, or a duration like `5m`, `1h30m`.
    mutating func lexNumberOrDuration() throws(ParseError) -> TokenKind {
        let start = offset
        if let duration = try lexDuration() { return .duration(duration) }
        offset = start
        if peek() == UInt8(ascii: "0"), let x = peek(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            return try lexHexNumber(start: start)
        }
        while let byte = peek(), isDigit(byte) { offset += 1 }
        if peek() == UInt8(ascii: ".") {
            offset += 1
            while let byte = peek(), isDigit(byte) { offset += 1 }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            let mark = offset
            offset += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { offset += 1 }
            if let digit = peek(), isDigit(digit) {
                while let byte = peek(), isDigit(byte) { offset += 1 }
            } else {
                offset = mark
            }
        }
        return try finishNumber(start: start)
    }

    private mutating func lexHexNumber(start: Int) throws(ParseError) -> TokenKind {
        offset += 2
        let digitsStart = offset
        while let byte = peek(), isHexDigit(byte) { offset += 1 }
        let text = String(decoding: bytes[digitsStart..<offset], as: UTF8.self)
        guard let value = UInt64(text, radix: 16) else {
            throw error("bad number or duration syntax: \"\(text)\"", at: start)
        }
        try rejectTrailingIdentifier(start: start)
        return .number(Double(value))
    }

    private mutating func finishNumber(start: Int) throws(ParseError) -> TokenKind {
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        try rejectTrailingIdentifier(start: start)
        // Like Go's strconv.ParseInt(s, 0, 64): a leading zero means octal.
        if text.count > 1, text.hasPrefix("0"), let octal = Int64(text.dropFirst(), radix: 8) {
            return .number(Double(octal))
        }
        guard let value = Double(text) else { throw error("bad number or duration syntax: \"\(text)\"", at: start) }
        return .number(value)
    }

    private mutating func rejectTrailingIdentifier(start: Int) throws(ParseError) {
        guard let byte = peek(), isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: ".") else { return }
        while let next = peek(), isLetter(next) || isDigit(next) || next == UInt8(ascii: ".") { offset += 1 }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        throw error("bad number or duration syntax: \"\(text)\"", at: start)
    }

    /// Lexes a duration made of `<digits><unit>` parts; nil when the text is not a duration.
    private mutating func lexDuration() throws(ParseError) -> Int64? {
        var total: Int64 = 0
        var parts = 0
        while let byte = peek(), isDigit(byte) {
            let digitsStart = offset
            while let next = peek(), isDigit(next) { offset += 1 }
            guard let unit = lexDurationUnit() else { return nil }
            let digits = String(decoding: bytes[digitsStart..<(offset - unit.length)], as: UTF8.self)
            guard let count = Int64(digits) else { throw error("duration out of range", at: digitsStart) }
            let (product, overflow) = count.multipliedReportingOverflow(by: unit.milliseconds)
            // Prometheus durations are Go time.Duration values: at most about 292 years.
            guard !overflow, product <= maximumDurationMilliseconds - total else {
                throw error("duration out of range", at: digitsStart)
            }
            total += product
            parts += 1
        }
        if parts == 0 { return nil }
        if let byte = peek(), isLetter(byte) || byte == UInt8(ascii: ".") { return nil }
        return total
    }

    private mutating func lexDurationUnit() -> (milliseconds: Int64, length: Int)? {
        guard let byte = peek() else { return nil }
        let units: [(String, Int64)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
            ("w", 604_800_000), ("y", 31_536_000_000),
        ]
        for (name, milliseconds) in units {
            let unitBytes = Array(name.utf8)
            guard unitBytes[0] == byte, (0..<unitBytes.count).allSatisfy({ peek($0) == unitBytes[$0] }) else {
                continue
            }
            offset += unitBytes.count
            return (milliseconds, unitBytes.count)
        }
        return nil
    }

    /// Lexes a quoted string with Go escapes, or a raw backtick string.
    mutating func lexString(quote: UInt8) throws(ParseError) -> TokenKind {
        let start = offset
        offset += 1
        var scalars = String.UnicodeScalarView()
        var pending: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: pending, as: UTF8.self).unicodeScalars)
            pending.removeAll()
        }
        while true {
            guard let byte = peek() else { throw error("unterminated quoted string", at: start) }
            offset += 1
            if byte == quote { break }
            if quote != UInt8(ascii: "`"), byte == 10 { throw error("unterminated quoted string", at: start) }
            if byte == UInt8(ascii: "\\"), quote != UInt8(ascii: "`") {
                flush()
                scalars.append(try lexEscape(quote: quote, start: start))
            } else {
                pending.append(byte)
            }
        }
        flush()
        return .string(String(scalars))
    }

    private mutating func lexEscape(quote: UInt8, start: Int) throws(ParseError) -> UnicodeScalar {
        guard let byte = peek() else { throw error("unterminated quoted string", at: start) }
        offset += 1
        switch UnicodeScalar(byte) {
        case "a": return "\u{07}"
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "v": return "\u{0B}"
        case "\\": return "\\"
        case "x": return try lexCodePoint(digits: 2, radix: 16, start: start)
        case "u": return try lexCodePoint(digits: 4, radix: 16, start: start)
        case "U": return try lexCodePoint(digits: 8, radix: 16, start: start)
        case "0"..."7":
            offset -= 1
            return try lexCodePoint(digits: 3, radix: 8, start: start)
        default:
            if byte == quote { return UnicodeScalar(byte) }
            throw error("unknown escape sequence \(describeByte(byte))", at: offset - 2)
        }
    }

    private mutating func lexCodePoint(digits: Int, radix: Int, start: Int) throws(ParseError) -> UnicodeScalar {
        guard offset + digits <= bytes.count else { throw error("unterminated quoted string", at: start) }
        let text = String(decoding: bytes[offset..<(offset + digits)], as: UTF8.self)
        offset += digits
        guard let code = UInt32(text, radix: radix), let scalar = UnicodeScalar(code) else {
            throw error("illegal character in escape sequence: \"\(text)\"", at: offset - digits)
        }
        return scalar
    }

    private func describeByte(_ byte: UInt8) -> String { "'" + String(UnicodeScalar(byte)) + "'" }
}

/// The longest duration Prometheus can represent (Go's time.Duration), in milliseconds.
let maximumDurationMilliseconds = PrometheusDuration.goMaximum.milliseconds

func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102)
}
