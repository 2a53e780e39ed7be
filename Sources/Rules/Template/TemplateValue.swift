import Model

/// A value inside template execution: the types Prometheus' template data and functions use.
enum TemplateValue: Sendable, Equatable {
    case string(String)
    case float(Double)
    case int(Int)
    case bool(Bool)
    case map([String: String])
    case none

    /// Go's type name, for error messages.
    var goType: String {
        switch self {
        case .string: "string"
        case .float: "float64"
        case .int: "int"
        case .bool: "bool"
        case .map: "map[string]string"
        case .none: "<nil>"
        }
    }

    /// How `{{ x }}` and `%v` print the value.
    var printed: String {
        switch self {
        case .string(let text): text
        case .float(let value): GoFloat.shortest(value)
        case .int(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .map(let map): "map[" + map.keys.sorted().map { "\($0):\(map[$0] ?? "")" }.joined(separator: " ") + "]"
        case .none: "<no value>"
        }
    }

    /// Go templates' truth: false, 0, "", empty map and nil are false.
    var isTrue: Bool {
        switch self {
        case .string(let text): !text.isEmpty
        case .float(let value): value != 0
        case .int(let value): value != 0
        case .bool(let value): value
        case .map(let map): !map.isEmpty
        case .none: false
        }
    }
}
