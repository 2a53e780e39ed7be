/// Header fields of a request, looked up case-insensitively.
///
/// Keeps the fields in the order they were received. A field sent more than once is
/// returned joined with `", "`, as RFC 9110 §5.3 allows for list-valued fields.
public struct HTTPHeaders: Sendable, Sequence {
    /// The fields as received: name as sent, value.
    public private(set) var pairs: [(String, String)]

    /// Creates headers from name/value pairs, in order.
    public init(_ pairs: [(String, String)] = []) {
        self.pairs = pairs
    }

    /// The value of the field `name` (any letter case), or `nil` when absent.
    public subscript(name: String) -> String? {
        let wanted = name.lowercased()
        let values = pairs.filter { $0.0.lowercased() == wanted }.map(\.1)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// Appends a field, keeping earlier fields of the same name.
    public mutating func add(name: String, value: String) {
        pairs.append((name, value))
    }

    /// Iterates the fields in the order received.
    public func makeIterator() -> IndexingIterator<[(String, String)]> {
        pairs.makeIterator()
    }
}
