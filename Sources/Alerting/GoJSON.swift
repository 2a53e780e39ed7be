/// A compact JSON writer whose output is byte-for-byte what Go's `encoding/json` writes (as built with
/// Go 1.19, the Go of Debian's Alertmanager 0.25): `<`, `>`, `&`, U+2028 and U+2029 are escaped as
/// `\u003c`…, control characters other than `\n`, `\r`, `\t` as `\u00XX`.
///
/// Used for the webhook payload and the Alertmanager API v2 bodies, whose consumers were written
/// against Alertmanager's bytes.
public struct GoJSON: Sendable {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    /// Creates an empty writer.
    public init() {}

    /// Writes `{`.
    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    /// Writes `}`.
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    /// Writes `[`.
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    /// Writes `]`.
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes a key and its colon.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string value.
    public mutating func string(_ text: String) {
        separate()
        appendQuoted(text)
        needsComma = true
    }

    /// Writes an integer value.
    public mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    /// Writes `null`.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Writes a string-to-string map as an object with keys sorted by their UTF-8 bytes, as Go sorts map keys.
    public mutating func stringMap(_ pairs: [(String, String)]) {
        beginObject()
        for (name, value) in pairs.sorted(by: { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }) {
            key(name)
            string(value)
        }
        endObject()
    }

    /// Writes a list of strings.
    public mutating func stringArray(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    private mutating func open(_ byte: UInt8) {
        separate()
        bytes.append(byte)
        needsComma = false
    }

    private mutating func close(_ byte: UInt8) {
        bytes.append(byte)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            appendEscaped(scalar)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ scalar: Unicode.Scalar) {
        switch scalar {
        case "\"": bytes.append(contentsOf: #"\""#.utf8)
        case "\\": bytes.append(contentsOf: #"\\"#.utf8)
        case "\n": bytes.append(contentsOf: #"\n"#.utf8)
        case "\r": bytes.append(contentsOf: #"\r"#.utf8)
        case "\t": bytes.append(contentsOf: #"\t"#.utf8)
        case "<", ">", "&", "\u{2028}", "\u{2029}": appendUnicodeEscape(scalar.value)
        default:
            if scalar.value < 0x20 {
                appendUnicodeEscape(scalar.value)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
    }

    private mutating func appendUnicodeEscape(_ value: UInt32) {
        let hex = String(value, radix: 16)
        bytes.append(contentsOf: (#"\u"# + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
    }
}
