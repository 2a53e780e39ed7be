import Model

/// The series a rule wrote at one evaluation, to tell at the next which of them vanished (Prometheus then writes
/// each a stale marker).
///
/// A rule's output is usually in label order (what selectors and aggregations produce), and is then compared with
/// the previous one in one walk of both; any other output is hashed.
struct WrittenSeries {
    let labels: [Labels]
    /// Whether ``labels`` is in strictly ascending order (sorted, no label set twice).
    let isOrdered: Bool

    init(_ labels: [Labels]) {
        self.labels = labels
        isOrdered = zip(labels, labels.dropFirst()).allSatisfy { $0 < $1 }
    }

    /// The series written here that `next` lacks, in label order.
    func missing(from next: WrittenSeries) -> [Labels] {
        guard !labels.isEmpty else { return [] }
        guard isOrdered, next.isOrdered else {
            let kept = Set(next.labels)
            return labels.filter { !kept.contains($0) }.sorted()
        }
        var missing: [Labels] = []
        var cursor = next.labels.startIndex
        for series in labels {
            while cursor < next.labels.endIndex, next.labels[cursor] < series { cursor += 1 }
            if cursor == next.labels.endIndex || next.labels[cursor] != series { missing.append(series) }
        }
        return missing
    }
}
