/// Percent-decoding of URL paths and query components (RFC 3986 §2.1).
enum PercentDecoding {
    /// Decodes `%HH` sequences; `nil` when a `%` is not followed by two hex digits or the
    /// result is not UTF-8. With `plusAsSpace`, `+` becomes a space (form encoding).
    static func decode(_ text: String, plusAsSpace: Bool = false) -> String? {
        let needsWork = text.utf8.contains(UInt8(ascii: "%")) || (plusAsSpace && text.utf8.contains(UInt8(ascii: "+")))
        guard needsWork else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var input = text.utf8.makeIterator()
        while let byte = input.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = input.next().flatMap(hexValue), let low = input.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusAsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Parses a query string (`a=1&b=x%20y`) into decoded pairs, last value winning.
    /// Pairs that do not decode are skipped.
    static func decodeQuery(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for component in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = component.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawValue = parts.count > 1 ? String(parts[1]) : ""
            guard let name = decode(String(parts[0]), plusAsSpace: true),
                let value = decode(rawValue, plusAsSpace: true)
            else { continue }
            result[name] = value
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
