/// Number formatting for sample values and `le` labels, byte for byte like client_golang.
///
/// Sample values follow Go's `strconv.FormatFloat(v, 'g', -1, 64)`: the shortest digits that
/// read back as the same `Double`, in `%e` form when the decimal exponent is below -4 or at least
/// 6 (Go uses 6, not the precision, for the shortest form), else in `%f` form:
/// `1`, `0.5`, `100000`, `1e+06`, `1.234567e+06`, `0.0001`, `1e-05`, `+Inf`, `-Inf`, `NaN`.
///
/// Integers below 2^53 and short decimals in [1e-4, 1e9) are formatted directly; other values take
/// their shortest digits from the standard library's `description` (also shortest round-trip).
enum FloatFormatting {
    /// Appends `value` as Go's `'g'` format with shortest precision writes it.
    static func appendGo(_ value: Double, to bytes: inout [UInt8]) {
        if !value.isFinite { return appendNonFinite(value, to: &bytes) }
        if value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        if magnitude == 0 { return bytes.append(UInt8(ascii: "0")) }
        let decimal = DecimalDigits(integral: magnitude)
            ?? DecimalDigits(shortDecimal: magnitude)
            ?? DecimalDigits(describing: magnitude)
        decimal.appendGoStyle(to: &bytes)
    }

    /// Appends `value` as an OpenMetrics canonical number (client_golang's `writeOpenMetricsFloat`):
    /// Go's form with `.0` added when it has neither `.` nor an exponent, so `1.0`, `0.0`, `+Inf`.
    static func appendOpenMetrics(_ value: Double, to bytes: inout [UInt8]) {
        let start = bytes.count
        appendGo(value, to: &bytes)
        guard value.isFinite else { return }
        if !bytes[start...].contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") }) {
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0"))
        }
    }

    /// Appends an unsigned integer in decimal.
    static func appendInteger(_ value: UInt64, to bytes: inout [UInt8]) {
        let count = decimalDigitCount(value)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var remaining = value
        var position = start + count - 1
        while remaining > 0 {
            bytes[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
            position -= 1
        }
    }

    private static func appendNonFinite(_ value: Double, to bytes: inout [UInt8]) {
        if value.isNaN { return bytes.append(contentsOf: "NaN".utf8) }
        bytes.append(contentsOf: (value > 0 ? "+Inf" : "-Inf").utf8)
    }
}
