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

    /// The thresholds for an agent that beats every `interval` seconds: degraded after 3 missed
    /// intervals, unreachable after 10 (DESIGN §5).
    public static func scaled(toInterval interval: Double) -> HealthThresholds {
        HealthThresholds(degradedAfter: .seconds(3 * interval), unreachableAfter: .seconds(10 * interval))
    }
}

/// How the exporter turns the age of an agent's last heartbeat into a ``HealthState``.
///
/// Precedence, most specific first: the agent's own `interval_seconds` (scaled 3× and 10×), then the
/// thresholds configured for its `agent_type`, then the global defaults.
public struct HealthPolicy: Sendable, Equatable {
    /// Thresholds for agents with neither an interval nor a configured type.
    public var defaults: HealthThresholds
    /// How long a stopped agent is remembered before it is forgotten.
    public var stoppedRetention: PrometheusDuration
    /// Per `agent_type` overrides.
    public var byAgentType: [String: HealthThresholds]

    /// The built-in defaults: degraded after 90 s, unreachable after 5 m, stopped agents kept 24 h.
    public static let standard = HealthPolicy(
        defaults: HealthThresholds(degradedAfter: .seconds(90), unreachableAfter: .minutes(5)),
        stoppedRetention: .hours(24),
        byAgentType: [:]
    )

    public init(
        defaults: HealthThresholds, stoppedRetention: PrometheusDuration, byAgentType: [String: HealthThresholds]
    ) {
        self.defaults = defaults
        self.stoppedRetention = stoppedRetention
        self.byAgentType = byAgentType
    }

    /// The thresholds that apply to an agent of `agentType` beating every `interval` seconds.
    public func thresholds(agentType: String?, interval: Double?) -> HealthThresholds {
        if let interval, interval > 0 { return .scaled(toInterval: interval) }
        if let agentType, let configured = byAgentType[agentType] { return configured }
        return defaults
    }

    /// The age-based state of an agent whose last beat was at `lastBeat`, judged at `now`.
    public func ageState(lastBeat: Timestamp, now: Timestamp, thresholds: HealthThresholds) -> HealthState {
        let age = now - lastBeat
        if age >= thresholds.unreachableAfter { return .unreachable }
        if age >= thresholds.degradedAfter { return .degraded }
        return .healthy
    }
}
