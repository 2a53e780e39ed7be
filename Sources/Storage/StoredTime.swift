import Model

/// How times are written to disk, unchanged since the first schema: REAL seconds since the epoch in the
/// `agent`, `transition`, `silence` and `notification_log` tables, INTEGER milliseconds in `alert`.
extension Timestamp {
    /// A time read from a REAL column of seconds; the epoch for a value that is not a time.
    init(storedSeconds: Double) {
        self = Timestamp(seconds: storedSeconds) ?? .epoch
    }

    /// A time read from an INTEGER column of milliseconds.
    init(storedMilliseconds: Int64) {
        self.init(milliseconds: storedMilliseconds)
    }
}
