/// The name of the label that holds a series' metric name.
public let metricNameLabel = "__name__"

/// One label: a name and its value.
public struct Label: Hashable, Sendable, Comparable {
    /// The label name.
    public var name: String
    /// The label value; an empty value means the label is absent.
    public var value: String

    /// Creates a label.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Orders by name, then value.
    public static func < (lhs: Label, rhs: Label) -> Bool {
        lhs.name != rhs.name ? lhs.name < rhs.name : lhs.value < rhs.value
    }
}

/// A set of labels identifying a series, kept sorted by name, without empty values.
public struct Labels: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The labels, sorted by name.
    public private(set) var labels: [Label]

    /// The empty label set.
    public static let empty = Labels()

    /// Creates a label set; labels with empty values are dropped, the last value of a repeated name wins.
    public init(_ labels: [Label] = []) {
        var byName: [String: String] = [:]
        for label in labels { byName[label.name] = label.value }
        self.labels = byName.filter { !$0.value.isEmpty }.map { Label($0.key, $0.value) }.sorted()
    }

    /// Creates a label set from a dictionary literal-like list of pairs.
    public init(_ pairs: KeyValuePairs<String, String>) {
        self.init(pairs.map { Label($0.key, $0.value) })
    }

    private init(sorted: [Label]) {
        self.labels = sorted
    }

    /// The value of the label `name`, or "" if absent.
    public subscript(name: String) -> String {
        labels.first { $0.name == name }?.value ?? ""
    }

    /// The metric name, or "" if there is none.
    public var metricName: String { self[metricNameLabel] }

    /// Whether the set is empty.
    public var isEmpty: Bool { labels.isEmpty }

    /// A copy with `name` set to `value` (removed when `value` is empty).
    public func setting(_ name: String, to value: String) -> Labels {
        var copy = labels.filter { $0.name != name }
        if !value.isEmpty {
            let index = copy.firstIndex { $0.name > name } ?? copy.count
            copy.insert(Label(name, value), at: index)
        }
        return Labels(sorted: copy)
    }

    /// A copy without the labels in `names` (a short list, as in `without (...)`).
    public func removing(_ names: [String]) -> Labels {
        guard labels.contains(where: { names.contains($0.name) }) else { return self }
        return Labels(sorted: labels.filter { !names.contains($0.name) })
    }

    /// A copy with only the labels in `names` (a short list, as in `by (...)`).
    public func keeping(_ names: [String]) -> Labels {
        guard !labels.allSatisfy({ names.contains($0.name) }) else { return self }
        return Labels(sorted: labels.filter { names.contains($0.name) })
    }

    /// A copy without the metric name.
    public func droppingMetricName() -> Labels {
        guard let index = labels.firstIndex(where: { $0.name == metricNameLabel }) else { return self }
        // Only the other labels are copied: the name's value is usually one string shared by every series of the
        // metric, whose reference count a copy and a removal would both change.
        var kept: [Label] = []
        kept.reserveCapacity(labels.count - 1)
        kept.append(contentsOf: labels[..<index])
        kept.append(contentsOf: labels[(index + 1)...])
        return Labels(sorted: kept)
    }

    /// Prometheus' rendering of a label set: `{__name__="up", job="a"}`.
    public var description: String {
        "{" + labels.map { "\($0.name)=\(GoFormat.quote($0.value))" }.joined(separator: ", ") + "}"
    }

    /// The series notation of test scripts and the text format: `up{job="a"}`.
    public var seriesNotation: String {
        let inner = labels.filter { $0.name != metricNameLabel }
            .map { "\($0.name)=\(GoFormat.quote($0.value))" }
            .joined(separator: ", ")
        return inner.isEmpty && !metricName.isEmpty ? metricName : metricName + "{" + inner + "}"
    }

    /// Orders label sets like Prometheus: label by label, a prefix first.
    public static func < (lhs: Labels, rhs: Labels) -> Bool {
        for (left, right) in zip(lhs.labels, rhs.labels) where left != right {
            return left < right
        }
        return lhs.labels.count < rhs.labels.count
    }
}

/// Whether `name` is a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`).
public func isValidLabelName(_ name: String) -> Bool {
    guard let first = name.utf8.first, !isDigit(first) else { return false }
    return name.utf8.allSatisfy { isLetter($0) || isDigit($0) }
}

private func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

private func isLetter(_ byte: UInt8) -> Bool {
    (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
}
