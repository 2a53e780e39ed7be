import Exposition
import Fleet

/// The exporter's own metrics, registered in one place: each module's ``MetricsSource``, in the order
/// `/metrics` lists them after the fleet's series and the agent counts.
struct SelfMetrics: Sendable {
    /// The sources, in exposition order.
    let sources: [any MetricsSource]

    /// Every source of the exporter's own metrics.
    init(
        rules: any MetricsSource, notifications: any MetricsSource, alerts: any MetricsSource, version: String,
        reloads: ReloadStatus, heartbeats: HeartbeatCounters, rejections: HeartbeatRejections,
        registry: AgentRegistry, storage: StorageFlushMetrics, recovery: any MetricsSource,
        expectedAgents: ExpectedAgentsMetric = ExpectedAgentsMetric(ExpectedFleet()),
        webConfigReloads: ReloadStatus? = nil, cluster: (any MetricsSource)? = nil
    ) {
        sources =
            [
                rules, notifications, alerts, BuildInfo(version: version), reloads,
            ] + (webConfigReloads.map { [$0] } ?? []) + [
                heartbeats, rejections,
                TransitionCounts(registry: registry), ForgottenCounts(registry: registry), expectedAgents,
                recovery, storage,
            ] + (cluster.map { [$0] } ?? []) + [ProcessMetricsSource()]
    }

    func write(into writer: inout ExpositionWriter) {
        for source in sources { source.write(into: &writer) }
    }
}

/// `heartbeat_exporter_build_info{version, swiftversion} 1`.
struct BuildInfo: MetricsSource {
    let version: String

    func write(into writer: inout ExpositionWriter) {
        writer.family(
            "heartbeat_exporter_build_info", type: .gauge,
            help: "A metric with a constant '1' value labeled by version and Swift version.")
        writer.sample(
            "heartbeat_exporter_build_info", RenderedLabels([("version", version), ("swiftversion", swiftVersion)]),
            value: 1)
    }

    private var swiftVersion: String {
        #if compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #else
            "6.x"
        #endif
    }
}

/// `heartbeat_exporter_state_transitions_total{to}`: the registry's transitions by the state entered.
struct TransitionCounts: MetricsSource {
    let registry: AgentRegistry

    func write(into writer: inout ExpositionWriter) {
        let counts = registry.transitionsByTargetState
        writer.family(
            "heartbeat_exporter_state_transitions_total", type: .counter,
            help: "Agent health state transitions, by the state entered.")
        for state in HealthState.allCases.sorted(by: { $0.rawValue < $1.rawValue }) {
            writer.sample(
                "heartbeat_exporter_state_transitions_total", .empty, extraLabel: "to",
                extraValue: state.rawValue, value: Double(counts[state] ?? 0))
        }
    }
}

/// `heartbeat_exporter_agents_forgotten_total{reason}`: agents the registry forgot on its own (stopped past
/// `stopped_retention` or ephemeral, unreachable past `forget_after`).
struct ForgottenCounts: MetricsSource {
    let registry: AgentRegistry

    func write(into writer: inout ExpositionWriter) {
        let counts = registry.forgottenByReason
        writer.family(
            "heartbeat_exporter_agents_forgotten_total", type: .counter,
            help: "Agents forgotten (removed from the registry, /metrics and storage), by reason.")
        for reason in ForgetReason.allCases {
            writer.sample(
                "heartbeat_exporter_agents_forgotten_total", .empty, extraLabel: "reason",
                extraValue: reason.rawValue, value: Double(counts[reason] ?? 0))
        }
    }
}

/// The standard `process_*` metrics, read from `/proc` at each scrape.
struct ProcessMetricsSource: MetricsSource {
    func write(into writer: inout ExpositionWriter) {
        ProcessMetrics.collect().write(into: &writer)
    }
}
