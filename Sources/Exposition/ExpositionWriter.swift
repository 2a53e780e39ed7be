import Model

/// Writes metric families in the Prometheus text format or OpenMetrics into one byte buffer.
///
/// The writer writes exactly what it is given, in order: the caller sorts families and series,
/// calls ``family(_:type:help:)`` once per family, then that family's samples. Names are not
/// validated here (see ``MetricNaming``); label values and HELP text are escaped.
///
/// ```swift
/// var writer = ExpositionWriter(format: .prometheusText)
/// writer.family("agent_up", type: .gauge, help: "1 when the agent is healthy or degraded.")
/// writer.sample("agent_up", RenderedLabels([("agent", "a1")]), value: 1)
/// let body = writer.finish()
/// ```
public struct ExpositionWriter: Sendable {
    /// The format being written.
    public let format: ExpositionFormat
    private var bytes: [UInt8]
    /// Rendered `le` labels for the bucket bounds seen last.
    private var bucketLabels = BucketLabelCache()

    /// Creates a writer with `capacity` bytes reserved (size it to the previous scrape).
    public init(format: ExpositionFormat, capacity: Int = 1 << 16) {
        self.format = format
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Writes a family's `# HELP` (omitted when `help` is empty) and `# TYPE` lines.
    ///
    /// In OpenMetrics a counter family is named without its `_total` suffix
    /// (`agent_heartbeats_total` → `# TYPE agent_heartbeats counter`) and `untyped` is `unknown`.
    public mutating func family(_ name: String, type: MetricType, help: String) {
        let familyName = format == .openMetrics && type == .counter ? Self.trimmingTotal(name) : Substring(name)
        if !help.isEmpty {
            bytes.append(contentsOf: "# HELP ".utf8)
            bytes.append(contentsOf: familyName.utf8)
            bytes.append(UInt8(ascii: " "))
            Escaping.appendEscaped(help, escapingQuotes: format == .openMetrics, to: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
        bytes.append(contentsOf: "# TYPE ".utf8)
        bytes.append(contentsOf: familyName.utf8)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: type.typeName(in: format).utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes one sample line: `name{labels} value`.
    public mutating func sample(_ name: String, _ labels: RenderedLabels, value: Double) {
        appendSeries(name, labels)
        appendValue(value)
    }

    /// `name{labels}`, or `name` alone without labels.
    private mutating func appendSeries(_ name: String, _ labels: RenderedLabels) {
        bytes.append(contentsOf: name.utf8)
        if !labels.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            bytes.append(contentsOf: labels.bytes)
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes one sample line whose value is a time in seconds since the epoch, `name{labels} 1.764115200123e+09`,
    /// written from the time's milliseconds in Go's float form (the same bytes as the seconds as a `Double`).
    public mutating func sample(_ name: String, _ labels: RenderedLabels, time: Timestamp) {
        appendSeries(name, labels)
        bytes.append(UInt8(ascii: " "))
        time.appendGoSeconds(to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Writes one sample line with one more label after `labels`: `name{labels,extra="value"} value`.
    ///
    /// Use it for one-hot or per-outcome series (`agent_health{…,state="healthy"}`) without
    /// rendering a label set per value. `extraValue` is escaped.
    public mutating func sample(
        _ name: String, _ labels: RenderedLabels, extraLabel: String, extraValue: String, value: Double
    ) {
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "{"))
        bytes.append(contentsOf: labels.bytes)
        RenderedLabels.append(name: extraLabel, value: extraValue, to: &bytes, afterLabels: !labels.isEmpty)
        bytes.append(UInt8(ascii: "}"))
        appendValue(value)
    }

    /// Writes a histogram's series: one `_bucket` line per bound plus `le="+Inf"`, then `_sum`, `_count`.
    ///
    /// - Parameters:
    ///   - name: the family name, without `_bucket`.
    ///   - upperBounds: the finite bucket bounds, ascending; the `+Inf` bucket is added (a trailing
    ///     `+infinity` bound is accepted and not repeated).
    ///   - cumulativeCounts: the cumulative count of each bound in `upperBounds`; extra entries on
    ///     either side are ignored.
    ///   - sum: the sum of observations.
    ///   - count: the number of observations, also the `+Inf` bucket.
    public mutating func histogram(
        _ name: String, _ labels: RenderedLabels, upperBounds: [Double], cumulativeCounts: [UInt64],
        sum: Double, count: UInt64
    ) {
        let rendered = bucketLabels.labels(for: upperBounds, format: format)
        let finiteCount = min(rendered.finite.count, cumulativeCounts.count)
        for index in 0..<finiteCount {
            appendBucket(name, labels, le: rendered.finite[index], count: cumulativeCounts[index])
        }
        appendBucket(name, labels, le: rendered.infinity, count: count)
        appendSuffixed(name, "_sum", labels)
        appendValue(sum)
        appendSuffixed(name, "_count", labels)
        appendCount(count)
    }

    /// Appends what `other` wrote (families another thread rendered, in their place in the exposition), leaving it
    /// empty. Both must write the same format.
    public mutating func append(_ other: inout ExpositionWriter) {
        bytes.append(contentsOf: other.bytes)
        other.bytes = []
    }

    /// Ends the exposition (OpenMetrics adds `# EOF`) and hands over the bytes.
    public mutating func finish() -> [UInt8] {
        if format == .openMetrics { bytes.append(contentsOf: "# EOF\n".utf8) }
        defer { bytes = [] }
        return bytes
    }

    private mutating func appendBucket(_ name: String, _ labels: RenderedLabels, le: [UInt8], count: UInt64) {
        bytes.append(contentsOf: name.utf8)
        bytes.append(contentsOf: "_bucket{".utf8)
        bytes.append(contentsOf: labels.bytes)
        if !labels.isEmpty { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: le)
        appendCount(count)
    }

    private mutating func appendSuffixed(_ name: String, _ suffix: StaticString, _ labels: RenderedLabels) {
        bytes.append(contentsOf: name.utf8)
        bytes.append(contentsOf: UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount))
        if !labels.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            bytes.append(contentsOf: labels.bytes)
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends ` value\n`.
    private mutating func appendValue(_ value: Double) {
        bytes.append(UInt8(ascii: " "))
        GoFloat.appendGo(value, to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Appends ` count\n`.
    private mutating func appendCount(_ count: UInt64) {
        bytes.append(UInt8(ascii: " "))
        GoFloat.appendInteger(count, to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }

    private static func trimmingTotal(_ name: String) -> Substring {
        name.hasSuffix("_total") ? name.dropLast(6) : Substring(name)
    }
}
