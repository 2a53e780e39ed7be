import Model

/// What an agent spends per hour lately: its cumulative cost at the start of the current and of the previous
/// five-minute window, so that the rate covers the last 5 to 10 minutes at O(1) memory per agent.
///
/// Kept in memory only; after an exporter restart the rate is unknown until an agent has beaten for a minute.
public struct CostWindow: Sendable, Equatable {
    /// How long one window lasts.
    public static let length = PrometheusDuration.minutes(5)
    /// No rate is given over less than this: a first beat's cost over a few seconds says little.
    public static let minimumSpan = PrometheusDuration.minutes(1)

    /// A point on the agent's cumulative cost.
    struct Mark: Sendable, Equatable {
        var at: Timestamp
        var costUSD: Double
    }

    private var current: Mark?
    private var previous: Mark?

    public init() {}

    /// Notes the agent's cumulative cost right after a beat at `time`; starts a new window when the current
    /// one is `length` old.
    mutating func record(costUSD: Double, at time: Timestamp) {
        guard let current else {
            self.current = Mark(at: time, costUSD: costUSD)
            return
        }
        guard time - current.at >= Self.length else { return }
        previous = current
        self.current = Mark(at: time, costUSD: costUSD)
    }

    /// USD per hour from the oldest mark kept to `now`, with `costUSD` the cumulative cost now; nil while the
    /// marks span less than ``minimumSpan``.
    public func usdPerHour(costUSD: Double, at now: Timestamp) -> Double? {
        guard let start = previous ?? current else { return nil }
        let span = now - start.at
        guard span >= Self.minimumSpan else { return nil }
        return max(0, costUSD - start.costUSD) / span.seconds * 3600
    }
}
