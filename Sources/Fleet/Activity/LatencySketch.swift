/// A fixed-size histogram of task latencies for a percentile estimate: ``binCount`` bins whose bounds grow by
/// half each (5 ms, 7.5 ms, … about 24 minutes; slower tasks count in the last bin). It costs the same memory
/// whatever the number of tasks, so an agent's open activity bucket stays bounded.
public struct LatencySketch: Sendable, Equatable {
    /// How many bins.
    public static let binCount = 32
    /// The upper bound of the first bin, in seconds.
    static let firstBound = 0.005
    /// The ratio between consecutive bounds.
    static let growth = 1.5

    private var counts = [UInt32](repeating: 0, count: binCount)
    /// How many latencies were observed.
    public private(set) var total: UInt32 = 0

    /// An empty sketch.
    public init() {}

    /// The upper bound of bin `index`, in seconds.
    static func upperBound(_ index: Int) -> Double {
        var bound = firstBound
        for _ in 0..<index { bound *= growth }
        return bound
    }

    /// Counts one latency, in seconds (negative or not-a-number values are ignored).
    public mutating func observe(_ seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        var index = 0
        var bound = Self.firstBound
        while seconds > bound, index < Self.binCount - 1 {
            index += 1
            bound *= Self.growth
        }
        counts[index] &+= 1
        total &+= 1
    }

    /// The estimated `q` quantile (0…1), in seconds: linear within the bin that holds it; nil when empty.
    public func quantile(_ q: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = q * Double(total)
        var below = 0.0
        for index in 0..<Self.binCount where counts[index] > 0 {
            let count = Double(counts[index])
            if below + count >= rank {
                let lower = index == 0 ? 0 : Self.upperBound(index - 1)
                let upper = Self.upperBound(index)
                return lower + (upper - lower) * max(0, min(1, (rank - below) / count))
            }
            below += count
        }
        return Self.upperBound(Self.binCount - 1)
    }
}
