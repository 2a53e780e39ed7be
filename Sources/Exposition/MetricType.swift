/// The type of a metric family, as written on its `# TYPE` line.
public enum MetricType: String, Sendable {
    /// A value that only goes up (resets on restart). Sample names end in `_total`.
    case counter
    /// A value that goes up and down.
    case gauge
    /// Cumulative buckets plus `_sum` and `_count`.
    case histogram
    /// Quantiles plus `_sum` and `_count`.
    case summary
    /// No declared type. OpenMetrics calls it `unknown`.
    case untyped

    /// The word on the `# TYPE` line in `format`.
    public func typeName(in format: ExpositionFormat) -> String {
        if self == .untyped, format == .openMetrics { return "unknown" }
        return rawValue
    }
}
