/// 10^exponent for 0...22, all exact in a `Double`; a switch, so no lazily initialised global is touched.
private func exactPowerOfTen(_ exponent: Int) -> Double {
    switch exponent {
    case 0: 1e0
    case 1: 1e1
    case 2: 1e2
    case 3: 1e3
    case 4: 1e4
    case 5: 1e5
    case 6: 1e6
    case 7: 1e7
    case 8: 1e8
    case 9: 1e9
    case 10: 1e10
    case 11: 1e11
    case 12: 1e12
    case 13: 1e13
    case 14: 1e14
    case 15: 1e15
    case 16: 1e16
    case 17: 1e17
    case 18: 1e18
    case 19: 1e19
    case 20: 1e20
    case 21: 1e21
    default: 1e22
    }
}

extension ByteParser {
    /// The digits of a number, gathered while checking the grammar.
    private struct NumberParts {
        var negative = false
        /// Up to 19 significant digits as an integer.
        var mantissa: UInt64 = 0
        /// Significant digits seen (leading zeros excluded).
        var significantDigits = 0
        /// Power of ten to apply to `mantissa`.
        var decimalExponent = 0
    }

    /// Parses a number with the full RFC 8259 grammar and converts it to the nearest `Double`.
    ///
    /// Up to 15 significant digits and a power of ten within ±22 convert exactly with one
    /// multiplication or division (Clinger's fast path); anything else goes through the standard
    /// library's correctly rounded conversion.
    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        var parts = NumberParts()
        if bytes[index] == UInt8(ascii: "-") {
            parts.negative = true
            index += 1
        }
        try parseIntegerPart(into: &parts)
        try parseFractionPart(into: &parts)
        try parseExponentPart(into: &parts)
        if parts.significantDigits <= 15, abs(parts.decimalExponent) <= 22 {
            let magnitude = Double(parts.mantissa)
            let power = exactPowerOfTen(abs(parts.decimalExponent))
            let value = parts.decimalExponent < 0 ? magnitude / power : magnitude * power
            return parts.negative ? -value : value
        }
        return try convertSlowly(from: start)
    }

    private mutating func parseIntegerPart(into parts: inout NumberParts) throws(JSONParseError) {
        guard let first = peek(), isDigit(first) else {
            throw error(index < bytes.count ? "expected a digit after '-'" : "unexpected end of input in number")
        }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) { throw error("leading zeros are not allowed in numbers") }
            return
        }
        while let byte = peek(), isDigit(byte) {
            accumulate(byte, into: &parts)
            index += 1
        }
    }

    private mutating func parseFractionPart(into parts: inout NumberParts) throws(JSONParseError) {
        guard peek() == UInt8(ascii: ".") else { return }
        index += 1
        guard let first = peek(), isDigit(first) else { throw error("expected a digit after the decimal point") }
        while let byte = peek(), isDigit(byte) {
            accumulate(byte, into: &parts)
            parts.decimalExponent -= 1
            index += 1
        }
    }

    private mutating func parseExponentPart(into parts: inout NumberParts) throws(JSONParseError) {
        guard peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") else { return }
        index += 1
        var negative = false
        if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") {
            negative = peek() == UInt8(ascii: "-")
            index += 1
        }
        guard let first = peek(), isDigit(first) else { throw error("expected a digit in the exponent") }
        var exponent = 0
        while let byte = peek(), isDigit(byte) {
            exponent = min(exponent * 10 + Int(byte - UInt8(ascii: "0")), 1_000_000)
            index += 1
        }
        parts.decimalExponent += negative ? -exponent : exponent
    }

    /// Adds one digit to the mantissa; beyond 19 digits only the exponent moves.
    private func accumulate(_ byte: UInt8, into parts: inout NumberParts) {
        let digit = UInt64(byte - UInt8(ascii: "0"))
        if parts.significantDigits == 0, digit == 0 { return }
        parts.significantDigits += 1
        if parts.significantDigits <= 19 {
            parts.mantissa = parts.mantissa * 10 + digit
        } else {
            parts.decimalExponent += 1
        }
    }

    /// Converts the already validated number text between `start` and the read position.
    private func convertSlowly(from start: Int) throws(JSONParseError) -> Double {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(offset: start, message: "number out of range")
        }
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
