/// `by (...)` / `on (...)` or `without (...)` / `ignoring (...)` applied to label sets, to group or match samples
/// on what the projection keeps without building that label set for every sample.
///
/// An aggregation over 100,000 series builds one label set per group instead of one per series: the keys it
/// hashes and compares (``ProjectedLabels``) borrow each sample's labels.
public struct LabelProjection: Sendable {
    /// The label names the projection names.
    public let names: [String]
    /// Whether it keeps only `names` (`by`, `on`) or everything else (`without`, `ignoring`).
    public let keepsNames: Bool

    /// Keeps only `names`.
    public static func keeping(_ names: [String]) -> LabelProjection {
        LabelProjection(names: names, keepsNames: true)
    }

    /// Keeps every label but `names`.
    public static func removing(_ names: [String]) -> LabelProjection {
        LabelProjection(names: names, keepsNames: false)
    }

    /// The key of `labels` under this projection.
    public func key(_ labels: Labels) -> ProjectedLabels {
        ProjectedLabels(labels: labels, projection: self)
    }

    /// The label set the projection leaves of `labels`.
    public func apply(_ labels: Labels) -> Labels {
        keepsNames ? labels.keeping(names) : labels.removing(names)
    }

    /// How the label sets the projection leaves of `lhs` and `rhs` compare, in the order of ``Labels`` `<`
    /// (label by label, a prefix first): negative, zero (equal, as ``ProjectedLabels`` `==`) or positive.
    /// Nothing is built: the labels the projection drops are skipped in place.
    public func compare(_ lhs: Labels, _ rhs: Labels) -> Int {
        let left = lhs.labels, right = rhs.labels
        var (i, j) = (left.startIndex, right.startIndex)
        while true {
            while i < left.endIndex, !includes(left[i]) { i += 1 }
            while j < right.endIndex, !includes(right[j]) { j += 1 }
            guard i < left.endIndex else { return j < right.endIndex ? -1 : 0 }
            guard j < right.endIndex else { return 1 }
            if left[i] != right[j] { return left[i] < right[j] ? -1 : 1 }
            i += 1
            j += 1
        }
    }

    /// Whether the projection leaves `label` in place.
    @inline(__always) public func includes(_ label: Label) -> Bool {
        names.contains(label.name) == keepsNames
    }
}

/// A label set seen through a ``LabelProjection``: hashes and compares equal exactly when the label sets the
/// projection leaves are equal. Keys of different projections must not be mixed.
public struct ProjectedLabels: Hashable, Sendable {
    /// The whole label set.
    public let labels: Labels
    let projection: LabelProjection

    /// The label set the projection leaves (built on demand).
    public var projected: Labels { projection.apply(labels) }

    public func hash(into hasher: inout Hasher) {
        var count = 0
        for label in labels.labels where projection.includes(label) {
            hasher.combine(label)
            count += 1
        }
        hasher.combine(count)
    }

    public static func == (lhs: ProjectedLabels, rhs: ProjectedLabels) -> Bool {
        let left = lhs.labels.labels
        let right = rhs.labels.labels
        var (i, j) = (0, 0)
        while true {
            while i < left.count, !lhs.projection.includes(left[i]) { i += 1 }
            while j < right.count, !rhs.projection.includes(right[j]) { j += 1 }
            guard i < left.count, j < right.count else { return i == left.count && j == right.count }
            guard left[i] == right[j] else { return false }
            i += 1
            j += 1
        }
    }
}
