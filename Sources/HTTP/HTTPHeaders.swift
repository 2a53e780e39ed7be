/// Header fields of a request, looked up case-insensitively.
///
/// Keeps the fields in the order they were received. A field sent more than once is
/// returned joined with `", "`, as RFC 9110 §5.3 allows for list-valued fields.
public struct HTTPHeaders: Sendable, Sequence {
    /// One field as received.
    struct Field: Sendable {
        let name: String
        let value: String
    }

    private var fields: [Field]

    /// Creates headers from name/value pairs, in order.
    public init(_ pairs: [(String, String)] = []) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    init(fields: [Field]) {
        self.fields = fields
    }

    /// The fields as received: name as sent, value.
    public var pairs: [(String, String)] {
        fields.map { ($0.name, $0.value) }
    }

    /// The value of the field `name` (any letter case), or `nil` when absent.
    public subscript(name: String) -> String? {
        var values: [String] = []
        for field in fields where Self.namesMatch(field.name, name) {
            values.append(field.value)
        }
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// The fields with every `name` field replaced by one field `name: value`.
    func replacing(_ name: String, with value: String) -> HTTPHeaders {
        HTTPHeaders(fields: fields.filter { !Self.namesMatch($0.name, name) } + [Field(name: name, value: value)])
    }

    /// Appends a field, keeping earlier fields of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Iterates the fields in the order received.
    public func makeIterator() -> IndexingIterator<[(String, String)]> {
        pairs.makeIterator()
    }

    /// ASCII case-insensitive equality; header names are ASCII tokens. (A plain loop: it runs for every field
    /// of every lookup.)
    static func namesMatch(_ left: String, _ right: String) -> Bool {
        guard left.utf8.count == right.utf8.count else { return false }
        var others = right.utf8.makeIterator()
        for byte in left.utf8 {
            guard let other = others.next(), asciiLowercase(byte) == asciiLowercase(other) else { return false }
        }
        return true
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
