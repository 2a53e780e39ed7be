import Model

/// The thresholds after which a silent agent counts as degraded, then unreachable.
public struct HealthThresholds: Sendable, Equatable {
    /// How long without a heartbeat before an agent is degraded.
    public var degradedAfter: PrometheusDuration
    /// How long without a heartbeat before an agent is unreachable.
    public var unreachableAfter: PrometheusDuration

    public init(degradedAfter: PrometheusDuration, unreachableAfter: PrometheusDuration) {
        self.degradedAfter = degradedAfter
        self.unreachableAfter = unreachableAfter
    }

    /// The thresholds for an agent that beats every `interval` seconds, an interval under
    /// ``HealthPolicy/batchIntervalMinimum``: degraded after 3 missed intervals, unreachable after 10 (DESIGN §5).
    public static func scaled(toInterval interval: Double) -> HealthThresholds {
        HealthThresholds(degradedAfter: .seconds(3 * interval), unreachableAfter: .seconds(10 * interval))
    }

    /// healthchecks.io's judgement of a job that runs every `interval` (an hour or more): degraded once a run is
    /// `grace` late (interval + grace), unreachable once the next run is missed too (2 × interval + grace).
    public static func batch(interval: PrometheusDuration, grace: PrometheusDuration) -> HealthThresholds {
        HealthThresholds(degradedAfter: interval + grace, unreachableAfter: 2 * interval + grace)
    }
}

/// Where the thresholds that judge an agent come from; the operator's configuration wins over what the agent
/// reports (the README's table of precedence).
public enum ThresholdSource: String, Sendable, CaseIterable {
    /// `health.by_agent` names the agent.
    case byAgent = "health.by_agent"
    /// A `schedules:` entry of the configuration matches the agent.
    case configuredSchedule = "schedules"
    /// `health.by_agent_type` names the agent's type.
    case byAgentType = "health.by_agent_type"
    /// The agent's own beat carried a `schedule`.
    case reportedSchedule = "schedule"
    /// The agent's `interval_seconds`, an hour or more: healthchecks.io's interval + grace.
    case batchInterval = "interval_seconds_batch"
    /// The agent's `interval_seconds`, under an hour: 3 and 10 intervals.
    case interval = "interval_seconds"
    /// Nothing more specific: `health.degraded_after` and `health.unreachable_after`.
    case defaults = "health"
}

/// The thresholds that judge one agent, and where they come from.
public struct HealthJudgement: Sendable, Equatable {
    /// Ages of the agent's silence (counted from ``AgentRecord/silentSince``) after which it is degraded, then
    /// unreachable.
    public var thresholds: HealthThresholds
    public var source: ThresholdSource
    /// The runs a schedule expects, when a schedule judges the agent; the thresholds then end at their deadlines.
    public var schedule: ScheduleDeadlines?

    public init(_ thresholds: HealthThresholds, _ source: ThresholdSource) {
        self.thresholds = thresholds
        self.source = source
    }
}

/// How the exporter turns the age of an agent's last heartbeat into a ``HealthState``.
///
/// Precedence, first match wins: `health.by_agent` (by name), a configured schedule, `health.by_agent_type`, the
/// schedule the agent reports, its `interval_seconds` (healthchecks.io's interval + grace from an hour up, else
/// 3× and 10×), then the global defaults (``judgement(for:)``).
public struct HealthPolicy: Sendable, Equatable {
    /// Intervals from this long up are judged as batch jobs (``HealthThresholds/batch(interval:grace:)``).
    public static let batchIntervalMinimum = PrometheusDuration.hours(1)
    /// The least grace a batch job gets when `health.batch_grace` is not set.
    public static let batchGraceMinimum = PrometheusDuration.minutes(5)

    /// Thresholds for agents with neither an interval nor a configured type.
    public var defaults: HealthThresholds
    /// How long a stopped agent is remembered before it is forgotten.
    public var stoppedRetention: PrometheusDuration
    /// Per `agent_type` overrides.
    public var byAgentType: [String: HealthThresholds]
    /// Per agent overrides, by agent name (`health.by_agent`).
    public var byAgent: [String: HealthThresholds]
    /// The grace of agents judged by an interval of an hour or more (`health.batch_grace`); nil for 10 % of the
    /// interval, at least ``batchGraceMinimum``.
    public var batchGrace: PrometheusDuration?
    /// How long an agent may stay unreachable before it is forgotten (`health.forget_after`); nil keeps it.
    public var forgetAfter: PrometheusDuration?
    /// Per `agent_type` overrides of ``forgetAfter`` (`health.by_agent_type.<type>.forget_after`).
    public var forgetAfterByType: [String: PrometheusDuration] = [:]
    /// The configuration's `schedules:`, in order: the first whose matchers select an agent gives its schedule.
    public var schedules: [ScheduleRule] = []

    /// The built-in defaults: degraded after 90 s, unreachable after 5 m, stopped agents kept 24 h.
    public static let standard = HealthPolicy(
        defaults: HealthThresholds(degradedAfter: .seconds(90), unreachableAfter: .minutes(5)),
        stoppedRetention: .hours(24),
        byAgentType: [:]
    )

    public init(
        defaults: HealthThresholds, stoppedRetention: PrometheusDuration, byAgentType: [String: HealthThresholds],
        byAgent: [String: HealthThresholds] = [:], batchGrace: PrometheusDuration? = nil
    ) {
        self.defaults = defaults
        self.stoppedRetention = stoppedRetention
        self.byAgentType = byAgentType
        self.byAgent = byAgent
        self.batchGrace = batchGrace
    }

    /// The thresholds that apply to an agent named `agent` of `agentType` beating every `interval` seconds, and
    /// where they come from, schedules aside (``judgement(for:)`` adds them).
    public func judgement(agent: String?, agentType: String?, interval: Double?) -> HealthJudgement {
        if let agent, let configured = byAgent[agent] { return HealthJudgement(configured, .byAgent) }
        if let agentType, let configured = byAgentType[agentType] { return HealthJudgement(configured, .byAgentType) }
        if let interval, interval > 0 { return intervalJudgement(interval) }
        return HealthJudgement(defaults, .defaults)
    }

    /// The thresholds that apply to an agent of `agentType` beating every `interval` seconds.
    public func thresholds(agentType: String?, interval: Double?) -> HealthThresholds {
        judgement(agent: nil, agentType: agentType, interval: interval).thresholds
    }

    /// The grace of a batch job that runs every `interval`: `health.batch_grace`, else 10 % of the interval and
    /// at least ``batchGraceMinimum``.
    public func batchGrace(forInterval interval: PrometheusDuration) -> PrometheusDuration {
        batchGrace ?? max(Self.batchGraceMinimum, PrometheusDuration(milliseconds: interval.milliseconds / 10))
    }

    private func intervalJudgement(_ interval: Double) -> HealthJudgement {
        let span = PrometheusDuration.seconds(interval)
        guard span >= Self.batchIntervalMinimum else {
            return HealthJudgement(.scaled(toInterval: interval), .interval)
        }
        return HealthJudgement(.batch(interval: span, grace: batchGrace(forInterval: span)), .batchInterval)
    }

    /// How long an agent of `agentType` may stay unreachable before it is forgotten; nil when it is kept. An
    /// ephemeral agent with no `forget_after` configured is forgotten as soon as it is unreachable.
    public func forgetAfter(agentType: String?, ephemeral: Bool) -> PrometheusDuration? {
        let configured = agentType.flatMap { forgetAfterByType[$0] } ?? forgetAfter
        return configured ?? (ephemeral ? .zero : nil)
    }

    /// The age-based state of an agent whose last beat was at `lastBeat`, judged at `now`.
    public func ageState(lastBeat: Timestamp, now: Timestamp, thresholds: HealthThresholds) -> HealthState {
        let age = now - lastBeat
        if age >= thresholds.unreachableAfter { return .unreachable }
        if age >= thresholds.degradedAfter { return .degraded }
        return .healthy
    }
}
