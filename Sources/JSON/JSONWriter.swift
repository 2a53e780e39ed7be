import Model

/// A streaming writer of compact JSON into a byte buffer.
///
/// Commas are placed automatically: call ``key(_:)`` before each value inside an object and nothing
/// between array elements. The writer does not check nesting; a caller that forgets an
/// ``endObject()`` gets invalid JSON, so keep begin/end calls in one function.
///
/// ```swift
/// var json = JSONWriter()
/// json.beginObject()
/// json.key("status"); json.string("success")
/// json.endObject()
/// // json.bytes == Array(#"{"status":"success"}"#.utf8)
/// ```
public struct JSONWriter: Sendable {
    /// How strings are escaped.
    public enum Style: Sendable {
        /// Quotes, backslashes, control characters (`\b \f \n \r \t` short), U+2028 and U+2029.
        case standard
        /// Byte for byte what Go's `encoding/json` writes (Go 1.19, the Go of Debian's Alertmanager 0.25):
        /// also `<`, `>` and `&` as `\u003c` …, and `\b`, `\f` as `\u0008`, `\u000c`. For bodies whose
        /// consumers were written against Alertmanager's bytes.
        case goEncodingJSON
    }

    /// The JSON written so far.
    public internal(set) var bytes: [UInt8]
    /// The escaping in force.
    public let style: Style
    /// Whether the next value or key needs a comma before it.
    private var needsComma = false

    /// Creates an empty writer with room for `capacity` bytes.
    public init(capacity: Int = 1024, style: Style = .standard) {
        bytes = []
        bytes.reserveCapacity(capacity)
        self.style = style
    }

    /// Writes `{`.
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Writes `}`.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes `[`.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Writes `]`.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes an object key and its colon; the next call writes its value.
    public mutating func key(_ k: String) {
        separate()
        appendQuoted(k)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string, escaping quotes, backslashes, control characters, U+2028 and U+2029.
    public mutating func string(_ s: String) {
        separate()
        appendQuoted(s)
        needsComma = true
    }

    /// Writes a number: integral values without a fraction (`3`, not `3.0`), others in their shortest
    /// round-tripping form (`0.1`, `1e-05`). NaN and infinities, which JSON cannot express, become `null`.
    public mutating func number(_ d: Double) {
        guard d.isFinite else { return null() }
        if d == d.rounded(.towardZero), abs(d) < 9_007_199_254_740_992 {
            return int(Int(d))
        }
        separate()
        bytes.append(contentsOf: d.description.utf8)
        needsComma = true
    }

    /// Writes an integer.
    public mutating func int(_ i: Int) {
        separate()
        appendDecimal(i)
        needsComma = true
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ b: Bool) {
        separate()
        bytes.append(contentsOf: b ? "true".utf8 : "false".utf8)
        needsComma = true
    }

    /// Writes `null`.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Writes a whole ``JSONValue`` tree, object members in their stored order.
    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let d): number(d)
        case .string(let s): string(s)
        case .array(let elements):
            beginArray()
            for element in elements { value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for member in object.members {
                key(member.key)
                value(member.value)
            }
            endObject()
        }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendDecimal(_ i: Int) {
        if i < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = i.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }
}

extension JSONWriter {
    /// Writes a time or span as a number of seconds, exactly from its milliseconds: `1733472000.123` for a
    /// ``Timestamp``, `60`, `1.5`, `0.001` for a ``PrometheusDuration``.
    public mutating func seconds(_ value: some MillisecondCount) {
        separate()
        value.appendDecimalSeconds(to: &bytes)
        needsComma = true
    }

    /// Writes `time` as an RFC 3339 string in UTC with three fraction digits
    /// (`"2026-11-25T21:50:52.123Z"`), the form of Prometheus' and Alertmanager's APIs.
    public mutating func rfc3339(_ time: Timestamp) {
        string(time.rfc3339)
    }
}
