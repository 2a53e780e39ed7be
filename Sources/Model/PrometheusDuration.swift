/// A span of time in whole milliseconds, written the way Prometheus writes it: `90s`, `5m`, `1h30m`,
/// `1d`, `2w`, `1y`, `500ms`.
///
/// This is the one duration type of the exporter's configuration, rules, alerting timers and APIs:
/// parsed with ``init(parsing:)`` (Prometheus' `model.ParseDuration`), printed with ``description``
/// (`model.Duration.String()`) or ``goDescription`` (Go's `time.Duration.String()`). It is not a
/// `Swift.Duration`, which clocks and `Task.sleep` use; ``swiftDuration`` converts.
@frozen
public struct PrometheusDuration: Hashable, Comparable, Sendable {
    /// The length in milliseconds; negative for spans that go backwards.
    public var milliseconds: Int64

    /// A span of `milliseconds` milliseconds.
    @inlinable
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// No time at all.
    @inlinable
    public static var zero: PrometheusDuration { PrometheusDuration(milliseconds: 0) }

    /// The longest Go `time.Duration` (2⁶³−1 nanoseconds, about 292 years), to the millisecond: the
    /// longest duration Prometheus can represent.
    public static let goMaximum = PrometheusDuration(milliseconds: Int64.max / 1_000_000)

    /// A span of `amount` milliseconds.
    @inlinable
    public static func milliseconds(_ amount: Int64) -> PrometheusDuration {
        PrometheusDuration(milliseconds: amount)
    }

    /// A span of `amount` whole seconds (meant for constants; traps beyond ±292 million years).
    @inlinable
    public static func seconds(_ amount: Int) -> PrometheusDuration {
        PrometheusDuration(milliseconds: Int64(amount) * 1000)
    }

    /// A span of `amount` seconds, rounded to the nearest millisecond; zero when `amount` is not
    /// finite, clamped to the representable range.
    @inlinable
    public static func seconds(_ amount: Double) -> PrometheusDuration {
        let millis = (amount * 1000).rounded()
        guard millis.isFinite else { return .zero }
        return PrometheusDuration(milliseconds: Int64(max(-9.2e18, min(9.2e18, millis))))
    }

    /// A span of `amount` whole minutes.
    @inlinable
    public static func minutes(_ amount: Int) -> PrometheusDuration {
        PrometheusDuration(milliseconds: Int64(amount) * 60_000)
    }

    /// A span of `amount` whole hours.
    @inlinable
    public static func hours(_ amount: Int) -> PrometheusDuration {
        PrometheusDuration(milliseconds: Int64(amount) * 3_600_000)
    }

    /// The length in seconds (`1.5` for `1500ms`).
    @inlinable
    public var seconds: Double { Double(milliseconds) / 1000 }

    /// The same span as a `Swift.Duration`, for sleeping on a `Clock`.
    public var swiftDuration: Swift.Duration { .milliseconds(milliseconds) }

    /// The span rounded towards zero to a multiple of `unit` (`90.7s` to `90s` for a unit of `1s`).
    ///
    /// `unit` must be positive; otherwise the span is returned unchanged.
    @inlinable
    public func truncated(to unit: PrometheusDuration) -> PrometheusDuration {
        guard unit.milliseconds > 0 else { return self }
        return PrometheusDuration(milliseconds: milliseconds - milliseconds % unit.milliseconds)
    }

    /// Whether `lhs` is shorter than `rhs`.
    @inlinable
    public static func < (lhs: PrometheusDuration, rhs: PrometheusDuration) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// The sum of two spans.
    @inlinable
    public static func + (lhs: PrometheusDuration, rhs: PrometheusDuration) -> PrometheusDuration {
        PrometheusDuration(milliseconds: lhs.milliseconds + rhs.milliseconds)
    }

    /// The difference of two spans.
    @inlinable
    public static func - (lhs: PrometheusDuration, rhs: PrometheusDuration) -> PrometheusDuration {
        PrometheusDuration(milliseconds: lhs.milliseconds - rhs.milliseconds)
    }

    /// The span reversed.
    @inlinable
    public static prefix func - (span: PrometheusDuration) -> PrometheusDuration {
        PrometheusDuration(milliseconds: -span.milliseconds)
    }

    /// The span `factor` times over.
    @inlinable
    public static func * (span: PrometheusDuration, factor: Int64) -> PrometheusDuration {
        PrometheusDuration(milliseconds: span.milliseconds * factor)
    }

    /// The span `factor` times over.
    @inlinable
    public static func * (factor: Int64, span: PrometheusDuration) -> PrometheusDuration {
        PrometheusDuration(milliseconds: factor * span.milliseconds)
    }

    /// How many whole times `divisor` fits in `span` (rounded towards zero).
    @inlinable
    public static func / (span: PrometheusDuration, divisor: PrometheusDuration) -> Int64 {
        span.milliseconds / divisor.milliseconds
    }

    /// Adds `rhs` to `lhs`.
    @inlinable
    public static func += (lhs: inout PrometheusDuration, rhs: PrometheusDuration) {
        lhs.milliseconds += rhs.milliseconds
    }
}
