import Foundation

/// The source of "now" for everything that depends on wall-clock time.
///
/// Domain code never reads the system clock itself: it takes a `WallClock` (or a ``Timestamp``) as a
/// parameter, so that state machines can be driven by a manual clock in tests.
public protocol WallClock: Sendable {
    /// The current time, to the millisecond.
    func now() -> Timestamp
}

/// The real clock: `clock_gettime(CLOCK_REALTIME)`, truncated to the millisecond.
public struct SystemClock: WallClock {
    /// The system's real-time clock.
    public init() {}

    /// The current time, to the millisecond.
    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}
