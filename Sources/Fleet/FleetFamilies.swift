import Exposition

/// Reads one value of an agent, given its state judged at the time of reading.
public typealias AgentValue = @Sendable (AgentRecord, HealthState) -> Double

/// One `agent_*` metric family of DESIGN §7: its name, type and help, and how each agent's series are read.
///
/// The single description of the fleet's metrics: `/metrics` and the rule engine's samples both come from it.
public struct FleetFamily: Sendable {
    /// How an agent's series of this family are formed.
    public enum Kind: Sendable {
        /// One series per agent, labelled `agent` (and `agent_type`); nil leaves the agent out.
        case perAgent(@Sendable (AgentRecord, HealthState) -> Double?)
        /// One series per agent and value of one more label, e.g. `agent_health{state}`.
        case perLabelValue(label: String, values: [(value: String, read: AgentValue)])
        /// `agent_info`: the agent's identity and own labels, value 1.
        case info
        /// `agent_task_duration_seconds`: a histogram.
        case taskDurations
    }

    public let name: String
    public let type: MetricType
    public let help: String
    public let kind: Kind
}

/// The `agent_*` families, in name order.
public enum FleetFamilies {
    public static let all: [FleetFamily] = [
        gauge("agent_active_tasks", "Tasks the agent is working on, as it last reported.") { agent, _ in
            agent.gauges.activeTasks
        },
        counter("agent_cost_usd_total", "Cost the agent reported, in US dollars.") { agent, _ in agent.counters.costUSD
        },
        counter("agent_errors_total", "Errors the agent reported.") { agent, _ in agent.counters.errors },
        FleetFamily(
            name: "agent_health", type: .gauge,
            help: "The agent's health state: 1 for the current state, 0 for the others.",
            kind: .perLabelValue(
                label: "state",
                values: HealthState.allCases.sorted { $0.rawValue < $1.rawValue }.map { state in
                    (state.rawValue, { @Sendable _, current in current == state ? 1 : 0 })
                })),
        counter("agent_heartbeats_total", "Heartbeats counted (retries excluded).") { agent, _ in
            agent.counters.heartbeats
        },
        FleetFamily(
            name: "agent_info", type: .gauge, help: "Identity of the agent: its type, host and own labels; always 1.",
            kind: .info),
        gauge("agent_killed", "1 while an operator has the agent killed.") { agent, _ in agent.killed == nil ? 0 : 1 },
        gauge("agent_last_heartbeat_timestamp_seconds", "Unix time of the agent's last counted heartbeat.") {
            agent, _ in
            agent.lastBeat.seconds
        },
        gauge("agent_memory_bytes", "Memory the agent reported using, in bytes.") { agent, _ in agent.gauges.memoryBytes
        },
        gauge("agent_queue_depth", "Work items waiting for the agent, as it last reported.") { agent, _ in
            agent.gauges.queueDepth
        },
        gauge("agent_recovering", "1 while a recovery ladder restarts or replaces the agent.") { _, state in
            state == .recovering ? 1 : 0
        },
        counter("agent_restarts_total", "Restarts of the agent (new run_id).") { agent, _ in agent.counters.restarts },
        FleetFamily(
            name: "agent_task_duration_seconds", type: .histogram, help: "Duration of the agent's tasks, in seconds.",
            kind: .taskDurations),
        gauge("agent_task_progress_ratio", "Progress of the agent's current task, 0 to 1.") { agent, _ in
            agent.gauges.taskProgress
        },
        FleetFamily(
            name: "agent_tasks_total", type: .counter, help: "Tasks the agent finished, by outcome.",
            kind: .perLabelValue(
                label: "outcome",
                values: [
                    ("failure", { @Sendable agent, _ in agent.counters.tasksFailed }),
                    ("success", { @Sendable agent, _ in agent.counters.tasksSucceeded }),
                ])),
        counter("agent_tokens_total", "Tokens the agent reported using.") { agent, _ in agent.counters.tokens },
        gauge("agent_up", "1 while the agent is healthy or degraded, else 0.") { _, state in state.isUp ? 1 : 0 },
    ]

    private static func gauge(
        _ name: String, _ help: String, _ read: @escaping @Sendable (AgentRecord, HealthState) -> Double?
    ) -> FleetFamily {
        FleetFamily(name: name, type: .gauge, help: help, kind: .perAgent(read))
    }

    private static func counter(
        _ name: String, _ help: String, _ read: @escaping @Sendable (AgentRecord, HealthState) -> Double?
    ) -> FleetFamily {
        FleetFamily(name: name, type: .counter, help: help, kind: .perAgent(read))
    }
}
