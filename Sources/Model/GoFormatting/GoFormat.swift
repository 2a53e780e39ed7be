import Foundation

/// Text forms that Alertmanager produces with Go's standard library and that its consumers compare
/// byte for byte. Times are formatted by ``Timestamp`` (``Timestamp/goRFC3339``).
public enum GoFormat {
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
