import Model
import Synchronization

/// A wall clock that only moves when a test moves it.
public final class ManualClock: WallClock {
    /// The current reading.
    private let time: Mutex<UnixTime>

    /// Starts at `start` seconds since the epoch (default: 2026-01-01T00:00:00Z).
    public init(start: UnixTime = 1_767_225_600) {
        time = Mutex(start)
    }

    public func now() -> UnixTime { time.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: Double) {
        time.withLock { $0 += seconds }
    }

    /// Sets the clock to `instant`.
    public func set(_ instant: UnixTime) {
        time.withLock { $0 = instant }
    }
}
