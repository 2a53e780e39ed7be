/// A parsed JSON document: one of the six kinds of value RFC 8259 defines.
///
/// Numbers are kept as `Double`, so integers above 2^53 lose precision; the heartbeat schema has none.
public enum JSONValue: Sendable, Equatable {
    /// The literal `null`.
    case null
    /// The literals `true` and `false`.
    case bool(Bool)
    /// Any JSON number, converted to the nearest `Double`.
    case number(Double)
    /// A string with its escapes resolved.
    case string(String)
    /// An array, in document order.
    case array([JSONValue])
    /// An object, members in document order (duplicates kept; see ``JSONObject``).
    case object(JSONObject)
}

extension JSONValue {
    /// The string payload, or `nil` when this is not a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The number payload, or `nil` when this is not a number.
    public var numberValue: Double? {
        if case .number(let d) = self { return d }
        return nil
    }

    /// The boolean payload, or `nil` when this is not `true`/`false`.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, or `nil` when this is not an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The object, or `nil` when this is not an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// Whether this is the literal `null`.
    public var isNull: Bool { self == .null }
}

/// A JSON object: its members in document order.
///
/// Lookups are linear, which beats hashing for the dozen keys a heartbeat has.
/// Duplicate keys are kept in ``members``; ``subscript(_:)`` returns the **last** one, as Go's
/// `encoding/json`, JavaScript and Python do.
public struct JSONObject: Sendable, Equatable {
    /// The members in document order, duplicates included.
    public var members: [(key: String, value: JSONValue)]

    /// Creates an object from members in the order they should be written.
    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    /// The value of the last member named `key`, or `nil` when there is none.
    public subscript(key: String) -> JSONValue? {
        for member in members.reversed() where member.key == key {
            return member.value
        }
        return nil
    }

    /// The member names in document order, duplicates included.
    public var keys: [String] { members.map(\.key) }

    /// Two objects are equal when they have the same members in the same order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (l, r) in zip(lhs.members, rhs.members) where l.key != r.key || l.value != r.value {
            return false
        }
        return true
    }
}
