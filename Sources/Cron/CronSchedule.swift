/// A cron expression read in a time zone: when its runs are due.
///
/// Daylight-saving changes are handled as healthchecks.io does (its cronsim library, which follows Debian's
/// Vixie cron):
/// - An expression whose minute and hour fields both do not start with `*` runs at fixed wall-clock times. A
///   time the spring-forward gap skips runs at the first minute after the gap (`30 2 * * *` in Europe/Berlin runs
///   at 03:00 CEST on that night); a time the fall-back night repeats runs once, at its first occurrence (02:30
///   CEST, not again at 02:30 CET).
/// - Any other expression (`*/15 * * * *`, `0 * * * *`) runs whenever the wall clock reads a matching time: not
///   at all in the skipped hour, and in both passes of the repeated hour.
///
/// One difference from cronsim: a run is never due at or before the instant asked about, even when a fall-back
/// night puts the first occurrence of a fixed time before it (cronsim would return that past instant).
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    public let expression: CronExpression
    public let timeZone: ScheduleTimeZone

    public init(expression: CronExpression, timeZone: ScheduleTimeZone) {
        self.expression = expression
        self.timeZone = timeZone
    }

    /// `0 3 * * * (Europe/Berlin)`.
    public var description: String { "\(expression) (\(timeZone))" }

    /// The first run due strictly after the Unix time `instant` (seconds), nil when none is due within 50 years.
    public func nextRun(after instant: Int64) -> Int64? {
        if expression.isFixedTime, timeZone.identifier != "UTC" { return nextFixedTimeRun(after: instant) }
        return nextWallClockRun(after: instant)
    }

    /// Walks real time one stretch of constant offset at a time, matching the wall clock of each stretch.
    private func nextWallClockRun(after instant: Int64) -> Int64? {
        var start = instant + 1
        for _ in 0..<256 {
            let offset = timeZone.offset(at: start)
            let change = timeZone.nextTransition(after: start)
            let limit = change.map { $0 + offset }
            if let local = expression.firstMatch(atOrAfter: start + offset, before: limit) { return local - offset }
            guard let change else { return nil }
            start = change
        }
        return nil
    }

    /// Walks wall-clock readings, then places each on the time line: a reading in a gap moves to the gap's end,
    /// a repeated reading takes its first occurrence, and a reading already passed is skipped.
    private func nextFixedTimeRun(after instant: Int64) -> Int64? {
        var local = timeZone.local(instant) + 1
        for _ in 0..<1_000 {
            guard let match = expression.firstMatch(atOrAfter: local) else { return nil }
            if let first = firstInstant(forLocal: match), first > instant { return first }
            local = match + 1
        }
        return nil
    }

    /// The instant a fixed-time job whose wall-clock time is `local` runs: its first occurrence, or for a time
    /// a gap skips, the first whole minute after the gap.
    private func firstInstant(forLocal local: Int64) -> Int64? {
        for minutes in 0..<(24 * 60) {
            if let first = timeZone.instants(forLocal: local + Int64(minutes) * 60).first { return first }
        }
        return nil
    }
}
