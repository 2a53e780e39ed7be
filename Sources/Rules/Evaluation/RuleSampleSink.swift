import Model

/// The writable side of the series store that rules write their results to (recording rules' series,
/// `ALERTS`, `ALERTS_FOR_STATE`, stale markers). Later rules of the same evaluation read the samples back
/// through the ``Queryable`` given to ``RuleGroup/evaluate(at:queryable:sink:settings:resendDelay:concurrency:)``; rules
/// evaluated concurrently write from several threads at once.
public protocol RuleSampleSink: Sendable {
    /// Stores one sample; `value` may be ``staleMarker``.
    func append(_ labels: Labels, timestamp: Int64, value: Double)

    /// Stores samples of one timestamp, in order, as ``append(_:timestamp:value:)`` would one by one; a sink
    /// behind a lock takes it once for all of them.
    func append<Samples: Sequence<(labels: Labels, value: Double)>>(_ samples: Samples, timestamp: Int64)
}

extension RuleSampleSink {
    public func append<Samples: Sequence<(labels: Labels, value: Double)>>(_ samples: Samples, timestamp: Int64) {
        for (labels, value) in samples { append(labels, timestamp: timestamp, value: value) }
    }
}
