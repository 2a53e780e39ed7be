/// Text from the exporter (agent names, tasks, alert labels, silence comments) made safe to print on a terminal:
/// an agent must not be able to clear the operator's screen, move the cursor, forge table rows or reorder text.
///
/// Escaped, in the style of Go's `%q`: the C0 controls (U+0000–U+001F: `\n`, `\r`, `\t` by name, others as
/// `\u001b`), DEL and the C1 controls (U+007F–U+009F, `\u009b` opens an escape sequence on some terminals), the
/// bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and
/// paragraph separators (U+2028, U+2029). Everything else, ordinary Unicode included, is kept as it is.
enum TerminalText {
    /// `text` with every control and bidi formatting character written as an escape.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    /// The columns `text` takes on a terminal: one per character, two for the wide East Asian characters and
    /// emoji, none for the combining marks that join a character.
    static func width(_ text: String) -> Int {
        text.reduce(0) { total, character in
            total + (character.unicodeScalars.first.map { isWide($0) } == true ? 2 : 1)
        }
    }

    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            true
        default: false
        }
    }
}
