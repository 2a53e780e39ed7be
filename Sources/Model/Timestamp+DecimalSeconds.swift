/// Times and spans written as seconds straight from their integer milliseconds, without a `Double`
/// in between.
extension Timestamp {
    /// Seconds since the epoch as an exact decimal: `1733472000.123`, `1733472000`, `-0.5`.
    public var decimalSeconds: String { MillisecondText.decimalSeconds(milliseconds) }

    /// Appends ``decimalSeconds`` to `bytes`.
    public func appendDecimalSeconds(to bytes: inout [UInt8]) {
        MillisecondText.appendDecimalSeconds(milliseconds, to: &bytes)
    }

    /// Appends the seconds since the epoch as Go's `strconv.FormatFloat(s, 'g', -1, 64)` writes them
    /// (`1.733472000123e+09`), the form of sample values in the exposition formats.
    public func appendGoSeconds(to bytes: inout [UInt8]) {
        MillisecondText.appendGoSeconds(milliseconds, to: &bytes)
    }
}

extension PrometheusDuration {
    /// The length in seconds as an exact decimal: `90`, `1.5`, `0.001`.
    public var decimalSeconds: String { MillisecondText.decimalSeconds(milliseconds) }

    /// Appends ``decimalSeconds`` to `bytes`.
    public func appendDecimalSeconds(to bytes: inout [UInt8]) {
        MillisecondText.appendDecimalSeconds(milliseconds, to: &bytes)
    }

    /// Appends the length in seconds as Go's `strconv.FormatFloat(s, 'g', -1, 64)` writes it (`90`,
    /// `1.5`, `1.2e+06`).
    public func appendGoSeconds(to bytes: inout [UInt8]) {
        MillisecondText.appendGoSeconds(milliseconds, to: &bytes)
    }
}

/// Millisecond counts written as seconds.
enum MillisecondText {
    static func decimalSeconds(_ milliseconds: Int64) -> String {
        var bytes: [UInt8] = []
        appendDecimalSeconds(milliseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `[-]seconds[.fraction]`, the fraction without trailing zeros.
    static func appendDecimalSeconds(_ milliseconds: Int64, to bytes: inout [UInt8]) {
        if milliseconds < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = milliseconds.magnitude
        GoFloat.appendInteger(magnitude / 1000, to: &bytes)
        var fraction = magnitude % 1000
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var width = 3
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        GoFloat.appendInteger(fraction, minimumDigits: width, to: &bytes)
    }

    /// Go's shortest `'g'` form of `milliseconds / 1000`, from the exact decimal digits.
    static func appendGoSeconds(_ milliseconds: Int64, to bytes: inout [UInt8]) {
        if milliseconds == 0 { return bytes.append(UInt8(ascii: "0")) }
        if milliseconds < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = milliseconds.magnitude
        let count = decimalDigitCount(magnitude)
        DecimalDigits(digits: magnitude, count: count, point: count - 3).appendGoStyle(to: &bytes)
    }
}
