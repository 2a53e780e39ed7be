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
    /// Whether this engine implements the function.
    public let isSupported: Bool

    /// Looks up a function by its exact name.
    public static func named(_ name: String) -> Function? { table[name] }

    /// All functions the engine implements.
    public static var supported: [Function] { table.values.filter(\.isSupported).sorted { $0.name < $1.name } }

    private static let table: [String: Function] = {
        var table: [String: Function] = [:]
        for function in supportedFunctions + unsupportedFunctions { table[function.name] = function }
        return table
    }()
}

private func fn(_ name: String, _ args: [ValueType], _ returns: ValueType = .vector, variadic: Int = 0) -> Function {
    Function(name: name, argTypes: args, variadic: variadic, returnType: returns, isSupported: true)
}

private func unsupported(_ name: String, _ args: [ValueType], _ returns: ValueType = .vector, variadic: Int = 0)
    -> Function
{
    Function(name: name, argTypes: args, variadic: variadic, returnType: returns, isSupported: false)
}

private let supportedFunctions: [Function] = [
    fn("time", [], .scalar),
    fn("timestamp", [.vector]),
    fn("vector", [.scalar]),
    fn("scalar", [.vector], .scalar),
    fn("abs", [.vector]), fn("ceil", [.vector]), fn("floor", [.vector]),
    fn("round", [.vector, .scalar], variadic: 1),
    fn("clamp", [.vector, .scalar, .scalar]),
    fn("clamp_min", [.vector, .scalar]), fn("clamp_max", [.vector, .scalar]),
    fn("rate", [.matrix]), fn("irate", [.matrix]), fn("increase", [.matrix]),
    fn("delta", [.matrix]), fn("idelta", [.matrix]), fn("deriv", [.matrix]),
    fn("changes", [.matrix]), fn("resets", [.matrix]),
    fn("avg_over_time", [.matrix]), fn("min_over_time", [.matrix]), fn("max_over_time", [.matrix]),
    fn("sum_over_time", [.matrix]), fn("count_over_time", [.matrix]), fn("last_over_time", [.matrix]),
    fn("absent", [.vector]), fn("absent_over_time", [.matrix]),
    fn("histogram_quantile", [.scalar, .vector]),
    fn("label_replace", [.vector, .string, .string, .string, .string]),
    fn("label_join", [.vector, .string, .string, .string], variadic: -1),
]

private let unsupportedFunctions: [Function] =
    [
        unsupported("sgn", [.vector]), unsupported("exp", [.vector]), unsupported("ln", [.vector]),
        unsupported("log2", [.vector]), unsupported("log10", [.vector]), unsupported("sqrt", [.vector]),
        unsupported("sort", [.vector]), unsupported("sort_desc", [.vector]),
        unsupported("predict_linear", [.matrix, .scalar]), unsupported("holt_winters", [.matrix, .scalar, .scalar]),
        unsupported("stddev_over_time", [.matrix]), unsupported("stdvar_over_time", [.matrix]),
        unsupported("quantile_over_time", [.scalar, .matrix]), unsupported("present_over_time", [.matrix]),
        unsupported("histogram_count", [.vector]), unsupported("histogram_sum", [.vector]),
        unsupported("histogram_fraction", [.scalar, .scalar, .vector]),
        unsupported("pi", [], .scalar), unsupported("deg", [.vector]), unsupported("rad", [.vector]),
    ]
    + ["year", "month", "day_of_month", "day_of_year", "day_of_week", "hour", "minute", "days_in_month"].map {
        unsupported($0, [.vector], variadic: 1)
    }
    + ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"].map {
        unsupported($0, [.vector])
    }
