import Cron
import Model

/// When an agent is expected to run: a cron schedule in a time zone, and how late a run may start (its grace).
///
/// It comes from the agent's beat (`"schedule": {"cron": "0 3 * * *", "timezone": "Europe/Berlin",
/// "grace_seconds": 3600}`) or from the configuration's `schedules:` (``ScheduleRule``). The agent is judged by
/// the runs due after its last beat (``ScheduleDeadlines``): degraded ("late") once the first is due and its
/// grace has passed, unreachable once the second has too.
public struct AgentSchedule: Sendable, Equatable {
    /// The grace of a schedule that names none: healthchecks.io's default of an hour.
    public static let defaultGrace = PrometheusDuration.hours(1)
    /// The longest grace accepted: 31 days, as the longest `interval_seconds`.
    public static let maximumGrace = PrometheusDuration.hours(31 * 24)

    public var cron: CronSchedule
    /// How long after a run is due it may still start without the agent being late.
    public var grace: PrometheusDuration
    /// How long a run may stay open (from its start to its finish) before it is reported
    /// (`agent_run_max_runtime_seconds`); nil when the schedule does not say.
    public var maxRuntime: PrometheusDuration?

    public init(
        cron: CronSchedule, grace: PrometheusDuration = Self.defaultGrace, maxRuntime: PrometheusDuration? = nil
    ) {
        self.cron = cron
        self.grace = grace
        self.maxRuntime = maxRuntime
    }

    /// The first two runs due after `anchor` (whole seconds), nil when the expression has none within 50 years.
    public func deadlines(after anchor: Timestamp) -> ScheduleDeadlines? {
        guard let first = cron.nextRun(after: anchor.wholeSeconds), let second = cron.nextRun(after: first) else {
            return nil
        }
        return ScheduleDeadlines(
            schedule: self, anchor: anchor, nextRun: Timestamp(seconds: Int(first)),
            secondRun: Timestamp(seconds: Int(second)))
    }
}

/// The runs a scheduled agent owes after its last sign of life, and when each counts as late.
///
/// The anchor is the agent's ``AgentRecord/silentSince``: its last counted beat (or a resume after a kill). Any
/// counted beat therefore resets the lateness; a "run start" beat (issue 15's start and finish) is a counted beat
/// and resets it the same way, and a run-tracking feature that wants only starts and finishes to count can pass
/// its own anchor to ``AgentSchedule/deadlines(after:)``.
public struct ScheduleDeadlines: Sendable, Equatable {
    public let schedule: AgentSchedule
    /// The instant the runs are counted from.
    public let anchor: Timestamp
    /// The first run due after the anchor (`agent_next_run_timestamp_seconds`); in the past while it is late.
    public let nextRun: Timestamp
    /// The run due after ``nextRun``.
    public let secondRun: Timestamp

    /// When the agent becomes degraded (late): the first run's due time plus the grace.
    public var lateAt: Timestamp { nextRun + schedule.grace }
    /// When the agent becomes unreachable: the second run's due time plus the grace (a second run missed).
    public var missedAt: Timestamp { secondRun + schedule.grace }

    /// The same as age thresholds counted from the anchor.
    public var thresholds: HealthThresholds {
        HealthThresholds(degradedAfter: lateAt - anchor, unreachableAfter: missedAt - anchor)
    }
}

/// One entry of the configuration's `schedules:`: the agents its Alertmanager matchers select follow its schedule.
public struct ScheduleRule: Sendable, Equatable {
    /// All must match the agent's labels (`agent`, `agent_type`, `host` and its own labels).
    public var matchers: [LabelMatcher]
    public var schedule: AgentSchedule

    public init(matchers: [LabelMatcher], schedule: AgentSchedule) {
        self.matchers = matchers
        self.schedule = schedule
    }

    /// Whether the rule applies to an agent with `labels`.
    public func matches(_ labels: Labels) -> Bool { matchers.allSatisfy { $0.matches(labels) } }
}
