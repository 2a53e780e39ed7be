import Model

/// Go's `fmt.Sprintf` for the verbs templates use: `%v %s %d %f %e %E %g %G %q %x %X %t %%`, with flags
/// `-`, `+`, `0`, space, width and precision. Mismatched arguments print as Go prints them (`%!d(float64=1.5)`).
enum GoPrintf {
    private struct Spec {
        var minus = false
        var plus = false
        var zero = false
        var space = false
        var width: Int?
        var precision: Int?
    }

    static func format(_ format: String, _ arguments: [TemplateValue]) -> String {
        var out = ""
        var remaining = arguments[...]
        var characters = format[...]
        while let character = characters.popFirst() {
            guard character == "%" else { out.append(character); continue }
            var spec = Spec()
            if !parseFlags(&characters, &spec) {
                // Go gives up on a width or precision too large to use and takes the rest as consumed.
                characters = characters[characters.endIndex...]
            }
            guard let verb = characters.popFirst() else { out += "%!(NOVERB)"; break }
            if verb == "%" { out += "%"; continue }
            guard let argument = remaining.popFirst() else { out += "%!\(verb)(MISSING)"; continue }
            out += pad(render(argument, verb: verb, spec: spec), spec)
        }
        if !remaining.isEmpty {
            out += "%!(EXTRA " + remaining.map { "\($0.goType)=\($0.printed)" }.joined(separator: ", ") + ")"
        }
        return out
    }

    /// Reads flags, width and precision; false when a width or precision is too large (Go's `tooLarge`).
    private static func parseFlags(_ characters: inout Substring, _ spec: inout Spec) -> Bool {
        while let flag = characters.first, "-+0 #".contains(flag) {
            switch flag {
            case "-": spec.minus = true
            case "+": spec.plus = true
            case "0": spec.zero = true
            case " ": spec.space = true
            default: break
            }
            characters.removeFirst()
        }
        switch number(&characters) {
        case .tooLarge: return false
        case .value(let width): spec.width = width
        case .absent: break
        }
        // As in Go, a `.` is a precision only when something follows it (`%5.` has the verb `.`).
        if characters.first == ".", characters.count > 1 {
            characters.removeFirst()
            switch number(&characters) {
            case .tooLarge: return false
            case .value(let precision): spec.precision = precision
            case .absent: spec.precision = 0
            }
        }
        return true
    }

    /// A width or precision as Go's `parsenum` reads it.
    private enum Number {
        case absent
        case value(Int)
        /// Another digit followed a value above 10^6: Go refuses it rather than pad by millions.
        case tooLarge
    }

    private static func number(_ characters: inout Substring) -> Number {
        var value: Int?
        while let character = characters.first, character.isASCII, let digit = character.wholeNumberValue {
            if let current = value, current > 1_000_000 { return .tooLarge }
            value = (value ?? 0) * 10 + digit
            characters.removeFirst()
        }
        return value.map { .value($0) } ?? .absent
    }

    private static func render(_ argument: TemplateValue, verb: Character, spec: Spec) -> String {
        switch (verb, argument) {
        case ("v", _), ("s", .string), ("t", .bool): return argument.printed
        case ("d", .int(let value)): return sign(String(value), spec)
        case ("x", .int(let value)): return String(value, radix: 16)
        case ("X", .int(let value)): return String(value, radix: 16).uppercased()
        case ("x", .string(let text)): return text.utf8.map { byteHex($0) }.joined()
        case ("q", .string(let text)): return GoFormat.quote(text)
        case ("e", .float(let value)), ("E", .float(let value)), ("f", .float(let value)), ("F", .float(let value)),
            ("g", .float(let value)), ("G", .float(let value)):
            let goVerb: Character = verb == "F" ? "f" : verb
            return sign(GoFloat.format(value, verb: goVerb, precision: spec.precision), spec)
        default: return "%!\(verb)(\(argument.goType)=\(argument.printed))"
        }
    }

    private static func byteHex(_ byte: UInt8) -> String { (byte < 16 ? "0" : "") + String(byte, radix: 16) }

    private static func sign(_ text: String, _ spec: Spec) -> String {
        guard !text.hasPrefix("-"), !text.hasPrefix("+") else { return text }
        if spec.plus { return "+" + text }
        return spec.space ? " " + text : text
    }

    private static func pad(_ text: String, _ spec: Spec) -> String {
        guard let width = spec.width, text.count < width else { return text }
        let padding = width - text.count
        if spec.minus { return text + String(repeating: " ", count: padding) }
        if spec.zero, let first = text.first, first == "-" || first == "+" {
            return String(first) + String(repeating: "0", count: padding) + text.dropFirst()
        }
        return String(repeating: spec.zero ? "0" : " ", count: padding) + text
    }
}
