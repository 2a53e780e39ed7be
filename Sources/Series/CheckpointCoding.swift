/// The byte-level pieces of a history checkpoint: unsigned LEB128 varints, zigzag for signed deltas, and
/// values XORed with the previous one, keeping only the bytes that differ (Gorilla's idea, byte-aligned).
struct CheckpointWriter {
    private(set) var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        varint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// `value`'s bits XORed with `previous`'s: one byte 0 when equal, else a header (leading zero bytes in
    /// the high nibble, significant bytes in the low one) and the significant bytes, most significant first.
    mutating func value(_ value: Double, after previous: Double) {
        let xor = value.bitPattern ^ previous.bitPattern
        guard xor != 0 else { return byte(0) }
        let leading = xor.leadingZeroBitCount / 8
        let trailing = xor.trailingZeroBitCount / 8
        let significant = 8 - leading - trailing
        byte(UInt8(leading << 4 | significant))
        for index in 0..<significant {
            byte(UInt8(truncatingIfNeeded: xor >> UInt64(8 * (7 - leading - index))))
        }
    }
}

/// Reads what ``CheckpointWriter`` wrote; every read checks the bounds and names the offset when it fails.
struct CheckpointReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() throws(HistoryCheckpointError) -> UInt8 {
        guard offset < bytes.count else { throw HistoryCheckpointError("truncated at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() throws(HistoryCheckpointError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw HistoryCheckpointError("varint too long at byte \(offset)") }
            result |= UInt64(next & 0x7f) << shift
            if next < 0x80 { return result }
            shift += 7
        }
    }

    /// A varint that must be at most `limit` (a count: it sizes what follows).
    mutating func count(atMost limit: Int) throws(HistoryCheckpointError) -> Int {
        let value = try varint()
        guard value <= UInt64(limit) else { throw HistoryCheckpointError("count \(value) too large at byte \(offset)") }
        return Int(value)
    }

    mutating func signed() throws(HistoryCheckpointError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func string() throws(HistoryCheckpointError) -> String {
        let length = try count(atMost: bytes.count)
        guard length <= bytes.count - offset else { throw HistoryCheckpointError("truncated at byte \(offset)") }
        defer { offset += length }
        return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
    }

    mutating func value(after previous: Double) throws(HistoryCheckpointError) -> Double {
        let header = try byte()
        guard header != 0 else { return previous }
        let leading = Int(header >> 4)
        let significant = Int(header & 0x0f)
        guard significant > 0, leading + significant <= 8 else {
            throw HistoryCheckpointError("bad value header at byte \(offset - 1)")
        }
        var xor: UInt64 = 0
        for _ in 0..<significant { xor = xor << 8 | UInt64(try byte()) }
        xor <<= UInt64(8 * (8 - leading - significant))
        return Double(bitPattern: previous.bitPattern ^ xor)
    }
}

/// A history checkpoint that cannot be read: what is wrong and where.
public struct HistoryCheckpointError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, with the byte offset.
    public let message: String
    /// Whether the restore stopped because it was asked to, not because the checkpoint is unreadable.
    public let wasAbandoned: Bool

    init(_ message: String, wasAbandoned: Bool = false) {
        self.message = message
        self.wasAbandoned = wasAbandoned
    }

    /// A restore stopped on request before it changed the history.
    static let abandoned = HistoryCheckpointError("restore abandoned", wasAbandoned: true)

    public var description: String { "rule history checkpoint: \(message)" }
}
