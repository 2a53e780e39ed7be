import Foundation

/// Go's float formatting (`strconv.FormatFloat` and `fmt`'s `%v %g %e %f`), which templates and promtool's
/// messages use.
public enum GoFloat {
    /// The shortest decimal digits that read back as `value` (positive, finite, non-zero) and the position
    /// of the decimal point: `value = 0.d₁d₂… × 10^point`.
    static func shortestDigits(_ value: Double) -> (digits: [Character], point: Int) {
        let text = "\(value.magnitude)"
        let parts = text.split(separator: "e")
        let mantissa = parts.first ?? ""
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let integerPart = mantissa.split(separator: ".", omittingEmptySubsequences: false).first ?? ""
        var digits = Array(mantissa.filter { $0 != "." })
        var point = integerPart.count + exponent
        while digits.first == "0", digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0", digits.count > 1 { digits.removeLast() }
        return (digits, point)
    }

    /// `+Inf`, `-Inf`, `NaN` as Go prints them, or nil for finite values.
    static func special(_ value: Double) -> String? {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return nil
    }

    /// `%v` / `strconv.FormatFloat(v, 'g', -1, 64)`: `1.234567e+06`, `90`, `0.0001234`, `1e-05`.
    public static func shortest(_ value: Double) -> String {
        prometheusText(value)
    }

    /// `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that read back as `value`, never with an
    /// exponent: `1e+20` is `100000000000000000000`, `1e-05` is `0.00001`.
    public static func shortestFixed(_ value: Double) -> String {
        if let text = special(value) { return text }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (digits, point) = shortestDigits(value)
        return (value < 0 ? "-" : "") + fixed(digits, point: point)
    }

    /// `strconv.FormatFloat(v, 'E', -1, 64)`: `2.1E+01`, `1E+00`, `0E+00`.
    public static func shortestExponential(_ value: Double) -> String {
        if let text = special(value) { return text }
        if value == 0 { return (value.sign == .minus ? "-" : "") + "0E+00" }
        let (digits, point) = shortestDigits(value)
        return (value < 0 ? "-" : "") + exponential(digits, exponent: point - 1, letter: "E")
    }

    private static func exponential(_ digits: [Character], exponent: Int, letter: String) -> String {
        var text = String(digits[0])
        if digits.count > 1 { text += "." + String(digits[1...]) }
        let magnitude = abs(exponent)
        return text + letter + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
    }

    private static func fixed(_ digits: [Character], point: Int) -> String {
        if point <= 0 { return "0." + String(repeating: "0", count: -point) + String(digits) }
        if point >= digits.count { return String(digits) + String(repeating: "0", count: point - digits.count) }
        return String(digits[..<point]) + "." + String(digits[point...])
    }

    /// Go's `%.<precision><verb>` for `e`, `E`, `f`, `g`, `G` (identical to C's for finite values).
    public static func format(_ value: Double, verb: Character, precision: Int?) -> String {
        if let text = special(value) { return text }
        if precision == nil, verb == "g" { return shortest(value) }
        if precision == nil, verb == "G" { return shortest(value).uppercased() }
        let cFormat = "%." + String(precision ?? 6) + String(verb)
        return String(format: cFormat, value)
    }
}
