/// A point in wall-clock time: whole milliseconds since the Unix epoch, like Prometheus' `model.Time`.
///
/// Every time the exporter stores, compares, exposes or hands across a module is a `Timestamp`, read
/// from an injected ``WallClock``. Spans between two of them are ``PrometheusDuration``s. Sample-time
/// arrays inside the query engine stay plain `Int64` milliseconds (``milliseconds``) for speed.
@frozen
public struct Timestamp: Hashable, Comparable, Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z; negative before it.
    public var milliseconds: Int64

    /// The time `milliseconds` after the Unix epoch.
    @inlinable
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// The time `seconds` whole seconds after the Unix epoch.
    ///
    /// Meant for constants and test data; values beyond ±292 million years trap.
    @inlinable
    public init(seconds: Int) {
        self.milliseconds = Int64(seconds) * Self.millisecondsPerSecond
    }

    /// The time `seconds` after the Unix epoch, rounded to the nearest millisecond (so that
    /// `Timestamp(seconds: t.seconds) == t`); nil when `seconds` is not finite or out of range. For times
    /// given or stored as decimal seconds (`1733472000.123`).
    public init?(seconds: Double) {
        let millis = (seconds * Double(Self.millisecondsPerSecond)).rounded()
        guard millis.isFinite, millis >= -9.2e18, millis <= 9.2e18 else { return nil }
        self.milliseconds = Int64(millis)
    }

    /// The time `nanoseconds` after the Unix epoch, cut to the millisecond towards zero, as Prometheus'
    /// `model.TimeFromUnixNano`.
    @inlinable
    public init(unixNanoseconds nanoseconds: Int64) {
        self.milliseconds = nanoseconds / 1_000_000
    }

    /// The time `seconds` after the Unix epoch as Prometheus' templates read a float
    /// (`floatToTime`): `seconds × 10⁹` cut to int64 nanoseconds, then ``init(unixNanoseconds:)``; nil
    /// when the nanoseconds do not fit in 64 bits or `seconds` is not finite.
    public init?(floatSecondsViaNanoseconds seconds: Double) {
        let nanoseconds = seconds * 1e9
        guard nanoseconds.isFinite, nanoseconds < 9.223372036854775807e18, nanoseconds >= -9.223372036854775808e18
        else { return nil }
        self.init(unixNanoseconds: Int64(nanoseconds))
    }

    /// 1970-01-01T00:00:00Z.
    @inlinable
    public static var epoch: Timestamp { Timestamp(milliseconds: 0) }

    /// Go's zero `time.Time`, `0001-01-01T00:00:00Z`, which Alertmanager writes where no time is set
    /// (the `endsAt` of a firing alert in a webhook payload).
    @inlinable
    public static var goZero: Timestamp { Timestamp(milliseconds: -62_135_596_800_000) }

    /// Milliseconds in one second, the one conversion factor between the two units.
    @inlinable
    public static var millisecondsPerSecond: Int64 { 1000 }

    /// Seconds since the epoch as a `Double` (`1733472000.123`), for PromQL values and float metrics.
    @inlinable
    public var seconds: Double { Double(milliseconds) / 1000 }

    /// Whole seconds since the epoch, rounded down (`-0.5 s` is `-1`).
    @inlinable
    public var wholeSeconds: Int64 {
        let quotient = milliseconds / 1000
        return milliseconds % 1000 < 0 ? quotient - 1 : quotient
    }

    /// The time rounded down to a multiple of `unit` since the epoch, like Go's `time.Truncate`.
    ///
    /// `unit` must be positive; otherwise the time is returned unchanged.
    @inlinable
    public func truncated(to unit: PrometheusDuration) -> Timestamp {
        guard unit.milliseconds > 0 else { return self }
        let remainder = milliseconds % unit.milliseconds
        return Timestamp(milliseconds: milliseconds - (remainder < 0 ? remainder + unit.milliseconds : remainder))
    }

    /// Whether `lhs` is earlier than `rhs`.
    @inlinable
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// The time `span` later.
    @inlinable
    public static func + (time: Timestamp, span: PrometheusDuration) -> Timestamp {
        Timestamp(milliseconds: time.milliseconds + span.milliseconds)
    }

    /// The time `span` earlier.
    @inlinable
    public static func - (time: Timestamp, span: PrometheusDuration) -> Timestamp {
        Timestamp(milliseconds: time.milliseconds - span.milliseconds)
    }

    /// How long after `earlier` this time is (negative when it is before).
    @inlinable
    public static func - (time: Timestamp, earlier: Timestamp) -> PrometheusDuration {
        PrometheusDuration(milliseconds: time.milliseconds - earlier.milliseconds)
    }

    /// Moves the time `span` later.
    @inlinable
    public static func += (time: inout Timestamp, span: PrometheusDuration) {
        time.milliseconds += span.milliseconds
    }

    /// Moves the time `span` earlier.
    @inlinable
    public static func -= (time: inout Timestamp, span: PrometheusDuration) {
        time.milliseconds -= span.milliseconds
    }
}

extension Timestamp: CustomStringConvertible {
    /// RFC 3339 with three fraction digits, ``rfc3339``.
    public var description: String { rfc3339 }
}

/// Conversions of sample times kept as raw `Int64` milliseconds (the query engine's arrays) to the
/// seconds PromQL computes with.
public enum SampleTime {
    /// The span from `start` to `end` milliseconds, in seconds.
    @inlinable
    public static func seconds(from start: Int64, to end: Int64) -> Double {
        Double(end - start) / 1000
    }

    /// `milliseconds` since the epoch as seconds.
    @inlinable
    public static func seconds(_ milliseconds: Int64) -> Double {
        Double(milliseconds) / 1000
    }

    /// `milliseconds` rounded down to whole seconds, still in milliseconds.
    @inlinable
    public static func wholeSeconds(_ milliseconds: Int64) -> Int64 {
        Timestamp(milliseconds: milliseconds).truncated(to: .seconds(1)).milliseconds
    }
}
