import Model

/// The `le="…"}` suffixes of the bucket lines for one set of bounds, rendered once and reused
/// while consecutive histograms share the same bounds (the usual case: one bucket layout per family).
struct BucketLabelCache: Sendable {
    /// Rendered suffixes: `le="0.5"}` per finite bound, and `le="+Inf"}`.
    struct Rendered: Sendable {
        var finite: [[UInt8]] = []
        var infinity: [UInt8] = []
    }

    private var bounds: [Double]?
    private var rendered = Rendered()

    /// The suffixes for `upperBounds` in `format`; `le` values are Go-formatted in the text format
    /// and canonical (`1.0`) in OpenMetrics, as client_golang writes them.
    mutating func labels(for upperBounds: [Double], format: ExpositionFormat) -> Rendered {
        if let bounds, bounds == upperBounds { return rendered }
        var finiteBounds = upperBounds
        if finiteBounds.last == .infinity { finiteBounds.removeLast() }
        rendered = Rendered(
            finite: finiteBounds.map { Self.render($0, format: format) },
            infinity: Self.render(.infinity, format: format)
        )
        bounds = upperBounds
        return rendered
    }

    private static func render(_ bound: Double, format: ExpositionFormat) -> [UInt8] {
        var bytes = Array(#"le=""#.utf8)
        switch format {
        case .prometheusText: GoFloat.appendGo(bound, to: &bytes)
        case .openMetrics: GoFloat.appendOpenMetrics(bound, to: &bytes)
        }
        bytes.append(contentsOf: "\"}".utf8)
        return bytes
    }
}
