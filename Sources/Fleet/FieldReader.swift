import JSON

/// Reads typed, range-checked fields from a JSON object, naming the field's path in every error.
struct FieldReader {
    /// The largest count or amount accepted in a numeric field (2^53: exact in a JSON number).
    static let largeNumber: Double = 9_007_199_254_740_992

    let object: JSONObject
    /// The path of `object` in the document, such as `tasks[0]`; empty for the root.
    let basePath: String

    init(object: JSONObject, path: String) {
        self.object = object
        self.basePath = path
    }

    func path(_ key: String) -> String {
        basePath.isEmpty ? key : "\(basePath).\(key)"
    }

    /// The value of `key`, or nil when it is absent or `null`.
    private func value(_ key: String) -> JSONValue? {
        guard let value = object[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    func text(_ key: String, maxBytes: Int, allowEmpty: Bool = false) throws(HeartbeatError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else {
            throw HeartbeatError(field: path(key), rule: "must be a string")
        }
        guard allowEmpty || !text.isEmpty else {
            throw HeartbeatError(field: path(key), rule: "must not be empty")
        }
        guard text.utf8.count <= maxBytes else {
            throw HeartbeatError(field: path(key), rule: "must be at most \(maxBytes) bytes")
        }
        return text
    }

    /// A string cut to at most `maxBytes` bytes of UTF-8 at a character boundary; nil when absent or empty.
    func truncatedText(_ key: String, maxBytes: Int) throws(HeartbeatError) -> String? {
        guard let text = try text(key, maxBytes: .max, allowEmpty: true), !text.isEmpty else { return nil }
        guard text.utf8.count > maxBytes else { return text }
        var cut = ""
        var bytes = 0
        for character in text {
            bytes += character.utf8.count
            guard bytes <= maxBytes else { break }
            cut.append(character)
        }
        return cut
    }

    /// A name of 1…`maxBytes` characters from `[A-Za-z0-9_.:-]`.
    func identifier(_ key: String, maxBytes: Int) throws(HeartbeatError) -> String? {
        guard let text = try text(key, maxBytes: maxBytes) else { return nil }
        guard text.utf8.allSatisfy(Self.isIdentifierByte) else {
            throw HeartbeatError(field: path(key), rule: "must be 1-\(maxBytes) characters of [A-Za-z0-9_.:-]")
        }
        return text
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"),
            UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    func number(_ key: String, in range: ClosedRange<Double>) throws(HeartbeatError) -> Double? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value else {
            throw HeartbeatError(field: path(key), rule: "must be a number")
        }
        guard range.contains(number) else {
            throw HeartbeatError(
                field: path(key), rule: "must be between \(format(range.lowerBound)) and \(format(range.upperBound))")
        }
        return number
    }

    func integer(_ key: String, max: Double) throws(HeartbeatError) -> Double? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value, number.rounded(.towardZero) == number else {
            throw HeartbeatError(field: path(key), rule: "must be an integer")
        }
        guard number >= 0, number <= max else {
            throw HeartbeatError(field: path(key), rule: "must be between 0 and \(format(max))")
        }
        return number
    }

    func bool(_ key: String) throws(HeartbeatError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else {
            throw HeartbeatError(field: path(key), rule: "must be true or false")
        }
        return flag
    }

    func object(_ key: String) throws(HeartbeatError) -> JSONObject? {
        guard let value = value(key) else { return nil }
        guard case .object(let object) = value else {
            throw HeartbeatError(field: path(key), rule: "must be a JSON object")
        }
        return object
    }

    func array(_ key: String) throws(HeartbeatError) -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else {
            throw HeartbeatError(field: path(key), rule: "must be a JSON array")
        }
        return items
    }

    private func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e16 ? String(Int64(number)) : String(number)
    }
}
