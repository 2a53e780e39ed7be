/// A Prometheus histogram of task durations in seconds, with fixed bucket upper bounds.
public struct DurationHistogram: Sendable, Equatable {
    /// The default upper bounds, chosen for agent tasks that take from 100 ms to several minutes.
    public static let defaultUpperBounds: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]

    /// Upper bounds, ascending, without `+Inf`.
    public private(set) var upperBounds: [Double]
    /// Observations per bucket (not cumulative); one more entry than `upperBounds`, for `+Inf`.
    public private(set) var bucketCounts: [UInt64]
    public private(set) var sum: Double = 0
    public private(set) var count: UInt64 = 0

    public init(upperBounds: [Double] = DurationHistogram.defaultUpperBounds) {
        self.upperBounds = upperBounds
        self.bucketCounts = Array(repeating: 0, count: upperBounds.count + 1)
    }

    /// Restores a histogram from persisted state; falls back to an empty one when the shapes disagree.
    public init(upperBounds: [Double], bucketCounts: [UInt64], sum: Double, count: UInt64) {
        self.init(upperBounds: upperBounds)
        guard bucketCounts.count == upperBounds.count + 1 else { return }
        self.bucketCounts = bucketCounts
        self.sum = sum
        self.count = count
    }

    /// Records one observation of `seconds`.
    public mutating func observe(_ seconds: Double) {
        var index = 0
        while index < upperBounds.count && seconds > upperBounds[index] { index += 1 }
        bucketCounts[index] += 1
        sum += seconds
        count += 1
    }

    /// Cumulative counts per bucket, the last one for `+Inf` (equal to `count`).
    public var cumulativeCounts: [UInt64] {
        var running: UInt64 = 0
        return bucketCounts.map {
            running += $0; return running
        }
    }

    /// Adds `other`'s observations. When its bounds differ (it was made before a reload changed them), each of
    /// its observations counts in the bucket of its own nearest bound at or below one of these bounds, the lowest
    /// such bucket that surely holds it: counts only err towards slower, never towards faster.
    public mutating func add(_ other: DurationHistogram) {
        if other.upperBounds == upperBounds {
            for index in bucketCounts.indices { bucketCounts[index] += other.bucketCounts[index] }
        } else {
            let otherCumulative = other.cumulativeCounts
            var previous: UInt64 = 0
            var otherIndex = -1
            for (index, bound) in upperBounds.enumerated() {
                while otherIndex + 1 < other.upperBounds.count, other.upperBounds[otherIndex + 1] <= bound {
                    otherIndex += 1
                }
                let cumulative = otherIndex >= 0 ? otherCumulative[otherIndex] : 0
                bucketCounts[index] += cumulative - previous
                previous = cumulative
            }
            bucketCounts[upperBounds.count] += other.count - previous
        }
        sum += other.sum
        count += other.count
    }

    /// The same observations re-bucketed is impossible, so a change of bounds starts afresh.
    public func withUpperBounds(_ bounds: [Double]) -> DurationHistogram {
        bounds == upperBounds ? self : DurationHistogram(upperBounds: bounds)
    }
}
