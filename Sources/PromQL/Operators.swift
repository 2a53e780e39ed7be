/// The binary operators of PromQL.
///
/// The raw value is the operator as written (`+`, `==`, `and`, ...).
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^", atan2
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and, or, unless

    /// Binding strength; higher binds tighter.
    var precedence: Int {
        switch self {
        case .or: 1
        case .and, .unless: 2
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: 3
        case .add, .sub: 4
        case .mul, .div, .mod, .atan2: 5
        case .pow: 6
        }
    }

    /// Whether the operator is `^` (right-associative).
    var isRightAssociative: Bool { self == .pow }

    /// Whether it is a comparison operator.
    public var isComparison: Bool { precedence == 3 }

    /// Whether an arithmetic result drops the metric name (`atan2` keeps it, as in Prometheus 2.42).
    var dropsMetricName: Bool {
        switch self {
        case .add, .sub, .mul, .div, .mod, .pow: true
        default: false
        }
    }

    /// Whether it is `and`, `or` or `unless`.
    public var isSetOperator: Bool { self == .and || self == .or || self == .unless }

    /// The keyword operator spelled by `word` (case-insensitive).
    static func keyword(_ word: String) -> BinaryOperator? {
        switch word.lowercased() {
        case "and": .and
        case "or": .or
        case "unless": .unless
        case "atan2": .atan2
        default: nil
        }
    }
}

/// The aggregation operators of PromQL.
///
/// The raw value is the operator's name as written in lower case.
public enum AggregateOperator: String, Sendable, CaseIterable {
    case sum, avg, count, min, max, group, stddev, stdvar, topk, bottomk, quantile
    case countValues = "count_values"

    /// Whether the operator takes a parameter before the expression.
    var takesParameter: Bool {
        switch self {
        case .topk, .bottomk, .quantile, .countValues: true
        default: false
        }
    }

    /// The type of the parameter: a label name for `count_values`, a number for the others that take one.
    var parameterType: ValueType { self == .countValues ? .string : .scalar }
}
