import Model
import Synchronization

/// A wall clock that only moves when a test moves it.
public final class ManualClock: WallClock {
    /// The current reading.
    private let time: Mutex<Timestamp>

    /// Starts at `start` (default: 2026-01-01T00:00:00Z).
    public init(start: Timestamp = Timestamp(seconds: 1_767_225_600)) {
        time = Mutex(start)
    }

    /// The current reading.
    public func now() -> Timestamp { time.withLock { $0 } }

    /// Moves the clock forward by `seconds` (rounded to the millisecond): `clock.advance(by: 30)`.
    public func advance(by seconds: Double) {
        advance(by: .seconds(seconds))
    }

    /// Moves the clock forward by `span`: `clock.advance(by: .minutes(5))`.
    public func advance(by span: PrometheusDuration) {
        time.withLock { $0 += span }
    }

    /// Sets the clock to `instant`.
    public func set(_ instant: Timestamp) {
        time.withLock { $0 = instant }
    }
}
