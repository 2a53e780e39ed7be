import Model
import PromQL
import Synchronization

/// A thread-safe in-memory series store that is both the ``Queryable`` rules read and the
/// ``RuleSampleSink`` they write to; `rules test` and unit tests use it.
public final class MemorySeriesStore: Queryable, RuleSampleSink, Sendable {
    private let storage: Mutex<MemoryStorage>  // protects the stored series

    /// Creates a store holding `storage`.
    public init(_ storage: MemoryStorage = MemoryStorage()) {
        self.storage = Mutex(storage)
    }

    /// Stores one sample (replacing one at the same timestamp).
    public func append(_ labels: Labels, timestamp: Int64, value: Double) {
        storage.withLock { $0.append(labels, timestamp: timestamp, value: value) }
    }

    /// The matching series with their samples in `from...through`.
    public func select(_ matchers: [LabelMatcher], from: Int64, through: Int64) -> [SeriesSamples] {
        storage.withLock { $0.select(matchers, from: from, through: through) }
    }
}
