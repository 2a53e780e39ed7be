/// Number formatting for sample values and `le` labels, byte for byte like client_golang.
///
/// Sample values follow Go's `strconv.FormatFloat(v, 'g', -1, 64)`: the shortest digits that
/// read back as the same `Double`, in `%e` form when the decimal exponent is below -4 or at least
/// 6 (Go uses 6, not the precision, for the shortest form), else in `%f` form:
/// `1`, `0.5`, `100000`, `1e+06`, `1.234567e+06`, `0.0001`, `1e-05`, `+Inf`, `-Inf`, `NaN`.
///
/// Integers below 2^53 and decimals with up to eight fractional digits are formatted directly; other values take
/// their shortest digits from the standard library's `description` (also shortest round-trip).
extension GoFloat {
    /// Appends `value` as Go's `'g'` format with shortest precision writes it.
    public static func appendGo(_ value: Double, to bytes: inout [UInt8]) {
        if !value.isFinite { return appendNonFinite(value, to: &bytes) }
        if value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        if magnitude == 0 { return bytes.append(UInt8(ascii: "0")) }
        let decimal =
            DecimalDigits(integral: magnitude)
            ?? DecimalDigits(shortDecimal: magnitude)
            ?? DecimalDigits(describing: magnitude)
        decimal.appendGoStyle(to: &bytes)
    }

    /// Appends `value` as an OpenMetrics canonical number (client_golang's `writeOpenMetricsFloat`):
    /// Go's form with `.0` added when it has neither `.` nor an exponent, so `1.0`, `0.0`, `+Inf`.
    public static func appendOpenMetrics(_ value: Double, to bytes: inout [UInt8]) {
        let start = bytes.count
        appendGo(value, to: &bytes)
        guard value.isFinite else { return }
        if !bytes[start...].contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") }) {
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0"))
        }
    }

    /// Appends an unsigned integer in decimal, left-padded with zeros to `minimumDigits` (at most 20).
    public static func appendInteger(_ value: UInt64, minimumDigits: Int = 1, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var remaining = value
            var position = 20
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            } while remaining > 0
            while 20 - position < minimumDigits, position > 0 {
                position -= 1
                buffer[position] = UInt8(ascii: "0")
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[position...]))
        }
    }

    /// Appends `count` zeros.
    public static func appendZeros(_ count: Int, to bytes: inout [UInt8]) {
        for _ in 0..<max(count, 0) { bytes.append(UInt8(ascii: "0")) }
    }

    private static func appendNonFinite(_ value: Double, to bytes: inout [UInt8]) {
        if value.isNaN { return bytes.append(contentsOf: "NaN".utf8) }
        bytes.append(contentsOf: (value > 0 ? "+Inf" : "-Inf").utf8)
    }
}

extension GoFloat {
    /// `value` as the Prometheus text format writes it (Go's `'g'` shortest form, `+Inf`, `-Inf`, `NaN`):
    /// the form a scraped `le` label value has.
    public static func prometheusText(_ value: Double) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendGo(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
