import Logging
import Model
import Rules

/// A group's evaluations that came and went while the engine was busy (``RuleEngine/Scheduled/scheduleNext(after:)``).
struct MissedIterations {
    let group: RuleGroup
    let count: UInt64
    let lateBy: PrometheusDuration
}

extension RuleEngine.Scheduled {
    /// Whether the group is due at `now`: its next evaluation time has come, or lies more than an interval ahead
    /// (the wall clock was set back; waiting for it to catch up would stop the group for as long).
    func isDue(at now: Timestamp) -> Bool {
        guard let next = nextEvaluation else { return true }
        return next <= now || next - now > interval
    }

    /// The group's interval (at least a millisecond: the grid needs a step).
    private var interval: PrometheusDuration { max(group.interval, .milliseconds(1)) }

    /// Counts the evaluation due now, and schedules the next one on the group's grid of intervals, as Prometheus'
    /// group loop does: evaluations are due at the first evaluation plus whole intervals, and those whose time
    /// passed while an evaluation still ran (or the engine was behind) are skipped and counted as missed.
    /// - Returns: the evaluations missed, when some were and a warning about them is due (at most one per group
    ///   every ``RuleEngine/missedWarningInterval``).
    mutating func scheduleNext(after now: Timestamp) -> MissedIterations? {
        // The first evaluation starts the grid; so does one after the clock was set back.
        guard let due = nextEvaluation, due <= now else {
            iterations += 1
            nextEvaluation = now + interval
            return nil
        }
        let lateBy = now - due
        let missed = UInt64(lateBy.milliseconds / interval.milliseconds)
        iterations += missed + 1
        missedIterations += missed
        nextEvaluation = due + PrometheusDuration(milliseconds: interval.milliseconds * Int64(missed + 1))
        guard missed > 0, missedLoggedAt.map({ now - $0 >= RuleEngine.missedWarningInterval }) ?? true else {
            return nil
        }
        missedLoggedAt = now
        return MissedIterations(group: group, count: missed, lateBy: lateBy)
    }
}

extension RuleEngine {
    /// How often, at most, a group's missed evaluations are logged (they are counted every time).
    static let missedWarningInterval = PrometheusDuration.minutes(10)

    func logMissed(_ missed: MissedIterations) {
        logger.warning(
            "rule group missed evaluations: its evaluations take longer than its interval, or the rule thread is starved",
            metadata: [
                "file": "\(missed.group.file)", "group": "\(missed.group.name)", "missed": "\(missed.count)",
                "late_seconds": "\(Double(missed.lateBy.milliseconds) / 1000)",
                "interval": "\(missed.group.interval)",
                "last_duration_seconds": "\(missed.group.lastEvaluation.durationSeconds)",
            ])
    }
}
