import Foundation

/// A point in wall-clock time, in seconds since the Unix epoch.
///
/// Every timestamp the exporter stores, exposes or compares is one of these, read from an injected
/// ``WallClock`` so that state machines can be driven by a ``ManualClock``-style clock in tests.
public typealias UnixTime = Double

/// The source of "now" for everything that depends on wall-clock time.
///
/// Domain code never reads the system clock itself: it takes a `WallClock` (or a timestamp) as a parameter.
public protocol WallClock: Sendable {
    /// The current time in seconds since the Unix epoch.
    func now() -> UnixTime
}

/// The real clock: `clock_gettime(CLOCK_REALTIME)`.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> UnixTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
