/// A PromQL function's signature, as Prometheus 2.42 declares it.
public struct Function: Sendable {
    /// The function name.
    public let name: String
    /// The types of the arguments.
    public let argTypes: [ValueType]
    /// 0: fixed arity; n > 0: the last n arguments are optional; -1: the last argument repeats.
    public let variadic: Int
    /// The result type.
    public let returnType: ValueType

    /// Looks up a function by its exact name.
    public static func named(_ name: String) -> Function? { table[name] }

    /// All functions of PromQL 2.42, by name.
    public static var all: [Function] { table.values.sorted { $0.name < $1.name } }

    private static let table: [String: Function] = {
        var table: [String: Function] = [:]
        for function in functions { table[function.name] = function }
        return table
    }()
}

private func fn(_ name: String, _ args: [ValueType], _ returns: ValueType = .vector, variadic: Int = 0) -> Function {
    Function(name: name, argTypes: args, variadic: variadic, returnType: returns)
}

/// Every function of Prometheus 2.42's function table (`promql/parser/functions.go`).
private let functions: [Function] =
    [
        fn("time", [], .scalar), fn("pi", [], .scalar),
        fn("timestamp", [.vector]),
        fn("vector", [.scalar]),
        fn("scalar", [.vector], .scalar),
        fn("round", [.vector, .scalar], variadic: 1),
        fn("clamp", [.vector, .scalar, .scalar]),
        fn("clamp_min", [.vector, .scalar]), fn("clamp_max", [.vector, .scalar]),
        fn("rate", [.matrix]), fn("irate", [.matrix]), fn("increase", [.matrix]),
        fn("delta", [.matrix]), fn("idelta", [.matrix]), fn("deriv", [.matrix]),
        fn("changes", [.matrix]), fn("resets", [.matrix]),
        fn("avg_over_time", [.matrix]), fn("min_over_time", [.matrix]), fn("max_over_time", [.matrix]),
        fn("sum_over_time", [.matrix]), fn("count_over_time", [.matrix]), fn("last_over_time", [.matrix]),
        fn("stddev_over_time", [.matrix]), fn("stdvar_over_time", [.matrix]),
        fn("quantile_over_time", [.scalar, .matrix]), fn("present_over_time", [.matrix]),
        fn("predict_linear", [.matrix, .scalar]), fn("holt_winters", [.matrix, .scalar, .scalar]),
        fn("absent", [.vector]), fn("absent_over_time", [.matrix]),
        fn("histogram_quantile", [.scalar, .vector]),
        fn("histogram_count", [.vector]), fn("histogram_sum", [.vector]),
        fn("histogram_fraction", [.scalar, .scalar, .vector]),
        fn("label_replace", [.vector, .string, .string, .string, .string]),
        fn("label_join", [.vector, .string, .string, .string], variadic: -1),
        fn("sort", [.vector]), fn("sort_desc", [.vector]),
    ]
    + MathFunction.allCases.map { fn($0.rawValue, [.vector]) }
    + DateFunction.allCases.map { fn($0.rawValue, [.vector], variadic: 1) }
