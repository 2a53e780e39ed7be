import PromQL
import Testing

/// The function table is Prometheus 2.42's (`promql/parser/functions.go`): every name, with its argument
/// types (v instant vector, m range vector, s scalar, S string), variadic count and return type.
struct FunctionTableTests {
    static let prometheus: [(name: String, args: String, variadic: Int, returns: String)] = [
        ("abs", "v", 0, "v"),
        ("absent", "v", 0, "v"),
        ("absent_over_time", "m", 0, "v"),
        ("acos", "v", 0, "v"),
        ("acosh", "v", 0, "v"),
        ("asin", "v", 0, "v"),
        ("asinh", "v", 0, "v"),
        ("atan", "v", 0, "v"),
        ("atanh", "v", 0, "v"),
        ("avg_over_time", "m", 0, "v"),
        ("ceil", "v", 0, "v"),
        ("changes", "m", 0, "v"),
        ("clamp", "vss", 0, "v"),
        ("clamp_max", "vs", 0, "v"),
        ("clamp_min", "vs", 0, "v"),
        ("cos", "v", 0, "v"),
        ("cosh", "v", 0, "v"),
        ("count_over_time", "m", 0, "v"),
        ("days_in_month", "v", 1, "v"),
        ("day_of_month", "v", 1, "v"),
        ("day_of_week", "v", 1, "v"),
        ("day_of_year", "v", 1, "v"),
        ("deg", "v", 0, "v"),
        ("delta", "m", 0, "v"),
        ("deriv", "m", 0, "v"),
        ("exp", "v", 0, "v"),
        ("floor", "v", 0, "v"),
        ("histogram_count", "v", 0, "v"),
        ("histogram_sum", "v", 0, "v"),
        ("histogram_fraction", "ssv", 0, "v"),
        ("histogram_quantile", "sv", 0, "v"),
        ("holt_winters", "mss", 0, "v"),
        ("hour", "v", 1, "v"),
        ("idelta", "m", 0, "v"),
        ("increase", "m", 0, "v"),
        ("irate", "m", 0, "v"),
        ("label_replace", "vSSSS", 0, "v"),
        ("label_join", "vSSS", -1, "v"),
        ("last_over_time", "m", 0, "v"),
        ("ln", "v", 0, "v"),
        ("log10", "v", 0, "v"),
        ("log2", "v", 0, "v"),
        ("max_over_time", "m", 0, "v"),
        ("min_over_time", "m", 0, "v"),
        ("minute", "v", 1, "v"),
        ("month", "v", 1, "v"),
        ("pi", "", 0, "s"),
        ("predict_linear", "ms", 0, "v"),
        ("present_over_time", "m", 0, "v"),
        ("quantile_over_time", "sm", 0, "v"),
        ("rad", "v", 0, "v"),
        ("rate", "m", 0, "v"),
        ("resets", "m", 0, "v"),
        ("round", "vs", 1, "v"),
        ("scalar", "v", 0, "s"),
        ("sgn", "v", 0, "v"),
        ("sin", "v", 0, "v"),
        ("sinh", "v", 0, "v"),
        ("sort", "v", 0, "v"),
        ("sort_desc", "v", 0, "v"),
        ("sqrt", "v", 0, "v"),
        ("stddev_over_time", "m", 0, "v"),
        ("stdvar_over_time", "m", 0, "v"),
        ("sum_over_time", "m", 0, "v"),
        ("tan", "v", 0, "v"),
        ("tanh", "v", 0, "v"),
        ("time", "", 0, "s"),
        ("timestamp", "v", 0, "v"),
        ("vector", "s", 0, "v"),
        ("year", "v", 1, "v"),
    ]

    static func code(_ type: ValueType) -> String {
        switch type {
        case .vector: "v"
        case .matrix: "m"
        case .scalar: "s"
        case .string: "S"
        }
    }

    @Test func everyFunctionOfPrometheus242WithItsSignature() {
        let ours = Function.all.map {
            ($0.name, $0.argTypes.map(Self.code).joined(), $0.variadic, Self.code($0.returnType))
        }
        let theirs = Self.prometheus.sorted { $0.name < $1.name }
        #expect(ours.map(\.0) == theirs.map(\.name))
        for (mine, reference) in zip(ours, theirs) {
            #expect(
                mine.1 == reference.args && mine.2 == reference.variadic && mine.3 == reference.returns, "\(mine.0)")
        }
    }
}
