import Exposition
import Series

/// Writes the `agent_*` metric families of DESIGN §7 for a snapshot of the fleet.
///
/// Families come in name order, and inside a family agents come in name order (the snapshot's order), so two
/// scrapes of the same fleet are byte-identical.
public enum FleetExposition {
    /// Writes every `agent_*` family for `agents` (sorted by name), judging health at `now`.
    public static func write(
        _ agents: [AgentRecord], at now: UnixTime, policy: HealthPolicy, into writer: inout ExpositionWriter
    ) {
        let states = agents.map { $0.state(at: now, policy: policy) }
        writeGauge(agents, "agent_active_tasks", "Tasks the agent is working on, as it last reported.", &writer) {
            $0.gauges.activeTasks
        }
        writeCounter(agents, "agent_cost_usd_total", "Cost the agent reported, in US dollars.", &writer) {
            $0.counters.costUSD
        }
        writeCounter(agents, "agent_errors_total", "Errors the agent reported.", &writer) { $0.counters.errors }
        writeHealth(agents, states, &writer)
        writeCounter(agents, "agent_heartbeats_total", "Heartbeats counted (retries excluded).", &writer) {
            $0.counters.heartbeats
        }
        writeInfo(agents, &writer)
        writeGauge(agents, "agent_killed", "1 while an operator has the agent killed.", &writer) {
            $0.killed == nil ? 0 : 1
        }
        writeGauge(agents, "agent_last_heartbeat_timestamp_seconds",
                   "Unix time of the agent's last counted heartbeat.", &writer) { $0.lastBeat }
        writeGauge(agents, "agent_memory_bytes", "Memory the agent reported using, in bytes.", &writer) {
            $0.gauges.memoryBytes
        }
        writeGauge(agents, "agent_queue_depth", "Work items waiting for the agent, as it last reported.", &writer) {
            $0.gauges.queueDepth
        }
        writeCounter(agents, "agent_restarts_total", "Restarts of the agent (new run_id).", &writer) {
            $0.counters.restarts
        }
        writeDurations(agents, &writer)
        writeGauge(agents, "agent_task_progress_ratio", "Progress of the agent's current task, 0 to 1.", &writer) {
            $0.gauges.taskProgress
        }
        writeTasks(agents, &writer)
        writeCounter(agents, "agent_tokens_total", "Tokens the agent reported using.", &writer) { $0.counters.tokens }
        writeUp(agents, states, &writer)
    }

    private static func writeGauge(
        _ agents: [AgentRecord], _ name: String, _ help: String, _ writer: inout ExpositionWriter,
        _ value: (AgentRecord) -> Double?
    ) {
        writeFamily(agents, name, .gauge, help, &writer, value)
    }

    private static func writeCounter(
        _ agents: [AgentRecord], _ name: String, _ help: String, _ writer: inout ExpositionWriter,
        _ value: (AgentRecord) -> Double?
    ) {
        writeFamily(agents, name, .counter, help, &writer, value)
    }

    /// Writes one family with a sample per agent that has a value; nothing at all when none has.
    private static func writeFamily(
        _ agents: [AgentRecord], _ name: String, _ type: MetricType, _ help: String,
        _ writer: inout ExpositionWriter, _ value: (AgentRecord) -> Double?
    ) {
        var started = false
        for agent in agents {
            guard let sample = value(agent) else { continue }
            if !started {
                writer.family(name, type: type, help: help)
                started = true
            }
            writer.sample(name, agent.seriesLabels, value: sample)
        }
    }

    /// States in label-value order, for `agent_health{state}`.
    private static let statesByName = HealthState.allCases.sorted { $0.rawValue < $1.rawValue }

    private static func writeHealth(_ agents: [AgentRecord], _ states: [HealthState], _ writer: inout ExpositionWriter) {
        guard !agents.isEmpty else { return }
        writer.family("agent_health", type: .gauge, help: "The agent's health state: 1 for the current state, 0 for the others.")
        for (agent, current) in zip(agents, states) {
            for state in statesByName {
                writer.sample("agent_health", agent.seriesLabels, extraLabel: "state", extraValue: state.rawValue,
                              value: state == current ? 1 : 0)
            }
        }
    }

    private static func writeInfo(_ agents: [AgentRecord], _ writer: inout ExpositionWriter) {
        guard !agents.isEmpty else { return }
        writer.family("agent_info", type: .gauge, help: "Identity of the agent: its type, host and own labels; always 1.")
        for agent in agents { writer.sample("agent_info", agent.infoLabels, value: 1) }
    }

    private static func writeUp(_ agents: [AgentRecord], _ states: [HealthState], _ writer: inout ExpositionWriter) {
        guard !agents.isEmpty else { return }
        writer.family("agent_up", type: .gauge, help: "1 while the agent is healthy or degraded, else 0.")
        for (agent, state) in zip(agents, states) {
            writer.sample("agent_up", agent.seriesLabels, value: state.isUp ? 1 : 0)
        }
    }

    private static func writeTasks(_ agents: [AgentRecord], _ writer: inout ExpositionWriter) {
        guard !agents.isEmpty else { return }
        writer.family("agent_tasks_total", type: .counter, help: "Tasks the agent finished, by outcome.")
        for agent in agents {
            writer.sample("agent_tasks_total", agent.seriesLabels, extraLabel: "outcome", extraValue: "failure",
                          value: agent.counters.tasksFailed)
            writer.sample("agent_tasks_total", agent.seriesLabels, extraLabel: "outcome", extraValue: "success",
                          value: agent.counters.tasksSucceeded)
        }
    }

    private static func writeDurations(_ agents: [AgentRecord], _ writer: inout ExpositionWriter) {
        guard !agents.isEmpty else { return }
        writer.family("agent_task_duration_seconds", type: .histogram, help: "Duration of the agent's tasks, in seconds.")
        for agent in agents {
            let histogram = agent.taskDurations
            writer.histogram("agent_task_duration_seconds", agent.seriesLabels, upperBounds: histogram.upperBounds,
                             cumulativeCounts: histogram.cumulativeCounts, sum: histogram.sum, count: histogram.count)
        }
    }
}
