import Foundation

/// Text forms that Alertmanager produces with Go's standard library and that its consumers compare
/// byte for byte.
public enum GoFormat {
    /// Go's `time.Time` JSON form (RFC 3339 with up to nanoseconds, trailing zeros dropped) in UTC, at
    /// millisecond precision: `2026-11-25T22:00:00Z`, `2026-11-25T22:01:00.25Z`. `nil` is Go's zero time
    /// `0001-01-01T00:00:00Z`, which the webhook payload uses for the `endsAt` of firing alerts.
    public static func timestamp(_ time: UnixTime?) -> String {
        guard let time, time.isFinite else { return "0001-01-01T00:00:00Z" }
        let (seconds, millis) = split(time)
        var fraction = millis == 0 ? "" : "." + pad(millis, 3)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return dateTime(seconds) + fraction + "Z"
    }

    /// The API v2 form (go-openapi `strfmt.DateTime`): always three fraction digits, UTC, such as
    /// `2026-11-25T22:40:02.372Z`; Go's zero time for nil.
    public static func apiTimestamp(_ time: UnixTime?) -> String {
        guard let time, time.isFinite else { return "0001-01-01T00:00:00.000Z" }
        let (seconds, millis) = split(time)
        return dateTime(seconds) + "." + pad(millis, 3) + "Z"
    }

    /// Whole seconds and milliseconds, rounded to the nearest millisecond.
    private static func split(_ time: UnixTime) -> (seconds: Int64, millis: Int) {
        let total = Int64((time * 1000).rounded())
        let seconds = total >= 0 ? total / 1000 : (total - 999) / 1000
        return (seconds, Int(total - seconds * 1000))
    }

    private static func dateTime(_ seconds: Int64) -> String {
        var clock = time_t(seconds)
        var parts = tm()
        gmtime_r(&clock, &parts)
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Go's `strconv.Quote`: double quotes around `text`, with `"`, `\`, control and non-printable
    /// characters escaped.
    public static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7f && scalar != "\"" && scalar != "\\" {
                result.unicodeScalars.append(scalar)  // printable ASCII, the common case
            } else {
                result += quoted(scalar)
            }
        }
        return result + "\""
    }

    private static func quoted(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\"": return #"\""#
        case "\\": return #"\\"#
        case "\u{07}": return #"\a"#
        case "\u{08}": return #"\b"#
        case "\u{0C}": return #"\f"#
        case "\n": return #"\n"#
        case "\r": return #"\r"#
        case "\t": return #"\t"#
        case "\u{0B}": return #"\v"#
        default:
            if isPrintable(scalar) { return String(scalar) }
            if scalar.value < 0x80 { return #"\x"# + hex(scalar.value, width: 2) }
            if scalar.value < 0x10000 { return #"\u"# + hex(scalar.value, width: 4) }
            return #"\U"# + hex(scalar.value, width: 8)
        }
    }

    /// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
