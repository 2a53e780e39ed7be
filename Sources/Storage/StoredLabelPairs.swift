/// Reads the label pairs storage writes (``AgentRow``'s `encodeLabels`: a JSON array of `[name, value]`
/// arrays, compact) without building a JSON tree: a restart reads two such columns for each of 100,000 alerts.
///
/// Only the exact shape the encoder writes, with strings free of escapes, is read here; anything else (an escape,
/// white space, another shape) returns nil, and the caller reads it with the general JSON parser.
enum StoredLabelPairs {
    static func read(_ text: String) -> [(name: String, value: String)]? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return reader.pairs()
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        mutating func pairs() -> [(name: String, value: String)]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var pairs: [(name: String, value: String)] = []
            if take(UInt8(ascii: "]")) { return offset == bytes.count ? pairs : nil }
            repeat {
                guard take(UInt8(ascii: "[")), let name = string(), take(UInt8(ascii: ",")), let value = string(),
                    take(UInt8(ascii: "]"))
                else { return nil }
                pairs.append((name, value))
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")), offset == bytes.count else { return nil }
            return pairs
        }

        /// A string without escapes; nil for anything else.
        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = offset
            while offset < bytes.count {
                switch bytes[offset] {
                case UInt8(ascii: "\""):
                    defer { offset += 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
                case UInt8(ascii: "\\"), 0..<0x20: return nil
                default: offset += 1
                }
            }
            return nil
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard offset < bytes.count, bytes[offset] == byte else { return false }
            offset += 1
            return true
        }
    }
}
