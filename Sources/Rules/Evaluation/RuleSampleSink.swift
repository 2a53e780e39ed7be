import Model

/// The writable side of the series store that rules write their results to (recording rules' series,
/// `ALERTS`, `ALERTS_FOR_STATE`, stale markers). Later rules of the same evaluation read the samples back
/// through the ``Queryable`` given to ``RuleGroup/evaluate(at:queryable:sink:settings:resendDelay:concurrency:)``; rules
/// evaluated concurrently write from several threads at once.
public protocol RuleSampleSink: Sendable {
    /// Stores one sample; `value` may be ``staleMarker``.
    func append(_ labels: Labels, timestamp: Int64, value: Double)
}
