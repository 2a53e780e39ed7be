/// A time or span held as an integer count of milliseconds: ``Timestamp`` (since the epoch) and
/// ``PrometheusDuration`` (a length). Both are written as seconds straight from the integer, without a `Double`
/// in between.
public protocol MillisecondCount {
    /// The count of milliseconds.
    var milliseconds: Int64 { get }
}

extension MillisecondCount {
    /// The seconds as an exact decimal: `1733472000.123`, `90`, `1.5`, `-0.5`.
    public var decimalSeconds: String { MillisecondText.decimalSeconds(milliseconds) }

    /// Appends ``decimalSeconds`` to `bytes`.
    public func appendDecimalSeconds(to bytes: inout [UInt8]) {
        MillisecondText.appendDecimalSeconds(milliseconds, to: &bytes)
    }

    /// Appends the seconds as Go's `strconv.FormatFloat(s, 'g', -1, 64)` writes them (`1.733472000123e+09`,
    /// `90`, `1.5`), the form of sample values in the exposition formats.
    public func appendGoSeconds(to bytes: inout [UInt8]) {
        MillisecondText.appendGoSeconds(milliseconds, to: &bytes)
    }
}

extension Timestamp: MillisecondCount {}

extension PrometheusDuration: MillisecondCount {}

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
