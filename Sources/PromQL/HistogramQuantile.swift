import Model

/// The name of the label holding a classic histogram bucket's upper bound.
let bucketLabel = "le"

private struct Bucket {
    var upperBound: Double
    var count: Double
}

extension EvaluationContext {
    /// `histogram_quantile(φ, buckets)` over classic `le` buckets, grouped by all other labels.
    func histogramQuantile(_ phi: Double, _ input: Vector) -> Vector {
        var bounds = BucketBounds()
        // Histograms in one piece each and in label order (as `rate` and `sum` leave them) need no hashing.
        if let runs = withoutBucketBound.orderedRuns(input) {
            return runs.compactMap { run in
                let buckets = input[run].compactMap { sample in
                    bounds.upperBound(of: sample.labels).map { Bucket(upperBound: $0, count: sample.value) }
                }
                return buckets.isEmpty ? nil : quantile(phi, of: buckets, labeled: input[run.lowerBound].labels)
            }
        }
        var positions: [ProjectedLabels: Int] = [:]
        var histograms: [(labels: Labels, buckets: [Bucket])] = []
        for sample in input {
            guard let upperBound = bounds.upperBound(of: sample.labels) else { continue }
            let key = withoutBucketBound.key(sample.labels)
            let bucket = Bucket(upperBound: upperBound, count: sample.value)
            if let position = positions[key] {
                histograms[position].buckets.append(bucket)
            } else {
                // A histogram's labels are built once, for its first bucket.
                positions[key] = histograms.count
                histograms.append((key.projected.droppingMetricName(), [bucket]))
            }
        }
        return histograms.map {
            Sample(labels: $0.labels, value: bucketQuantile(phi, $0.buckets), timestamp: time)
        }
    }

    /// The quantile of one histogram as a sample, labeled as `bucket` without its bound and metric name.
    private func quantile(_ phi: Double, of buckets: [Bucket], labeled bucket: Labels) -> Sample {
        Sample(
            labels: withoutBucketBound.apply(bucket).droppingMetricName(), value: bucketQuantile(phi, buckets),
            timestamp: time)
    }
}

/// Every label of a bucket but its bound: what tells the histograms apart.
private let withoutBucketBound = LabelProjection.removing([bucketLabel])

/// The bounds of the buckets seen so far: the few distinct `le` values are parsed once each, not once per bucket.
private struct BucketBounds {
    private var parsed: [String: Double] = [:]

    /// The upper bound of the bucket `labels`, nil when its `le` is missing or not a number.
    mutating func upperBound(of labels: Labels) -> Double? {
        let text = labels[bucketLabel]
        if let known = parsed[text] { return known }
        guard let bound = parseGoFloat(text) else { return nil }
        parsed[text] = bound
        return bound
    }
}

/// Parses a float the way Go's `strconv.ParseFloat` accepts `le` values (`+Inf`, `inf`, `2e-1`, ...).
func parseGoFloat(_ text: String) -> Double? {
    guard let first = text.utf8.first else { return nil }
    // The common case, a plain decimal bound (`0.5`, `10`), without lower-casing a copy first.
    if isDigit(first), text.utf8.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") }) { return Double(text) }
    switch text.lowercased() {
    case "inf", "+inf", "infinity", "+infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    case "nan": return .nan
    default:
        guard text.utf8.allSatisfy({ isDigit($0) || "+-.eExXpP_abcdefABCDEF".utf8.contains($0) }) else { return nil }
        return Double(text)
    }
}

/// The quantile of a classic histogram, with Prometheus 2.42's interpolation and repairs.
private func bucketQuantile(_ phi: Double, _ unsorted: [Bucket]) -> Double {
    if phi.isNaN { return .nan }
    if phi < 0 { return -.infinity }
    if phi > 1 { return .infinity }
    var buckets = coalesce(unsorted.sorted { $0.upperBound < $1.upperBound })
    guard buckets.count >= 2, let last = buckets.last, last.upperBound == .infinity else { return .nan }
    makeMonotonic(&buckets)
    let observations = buckets[buckets.count - 1].count
    if observations == 0 { return .nan }
    var rank = phi * observations
    let index = buckets.firstIndex { $0.count >= rank } ?? buckets.count - 1
    if index == buckets.count - 1 { return buckets[buckets.count - 2].upperBound }
    if index == 0, buckets[0].upperBound <= 0 { return buckets[0].upperBound }
    var start = 0.0
    var count = buckets[index].count
    if index > 0 {
        start = buckets[index - 1].upperBound
        count -= buckets[index - 1].count
        rank -= buckets[index - 1].count
    }
    return start + (buckets[index].upperBound - start) * (rank / count)
}

/// Merges buckets with the same upper bound by adding their counts.
private func coalesce(_ buckets: [Bucket]) -> [Bucket] {
    var merged: [Bucket] = []
    for bucket in buckets {
        if let last = merged.last, last.upperBound == bucket.upperBound {
            merged[merged.count - 1].count += bucket.count
        } else {
            merged.append(bucket)
        }
    }
    return merged
}

/// Raises counts that decrease along the buckets to the running maximum.
private func makeMonotonic(_ buckets: inout [Bucket]) {
    var maximum = -Double.infinity
    for index in buckets.indices {
        if buckets[index].count > maximum {
            maximum = buckets[index].count
        } else if buckets[index].count < maximum {
            buckets[index].count = maximum
        }
    }
}
