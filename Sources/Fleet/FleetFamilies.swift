import Exposition

/// Reads one value of an agent, given its state judged at the time of reading.
///
/// Readers get the record's address: a render reads about forty values of every agent, and a record passed by value
/// is copied for each, retaining and releasing every reference it holds (a third of a render's time).
public typealias AgentValue = @Sendable (UnsafePointer<AgentRecord>, HealthState) -> Double

/// Reads one value of an agent that may have none (nil leaves its series out); given the record's address as
/// ``AgentValue``.
public typealias OptionalAgentValue = @Sendable (UnsafePointer<AgentRecord>, HealthState) -> Double?

/// One `agent_*` metric family of DESIGN §7: its name, type and help, and how each agent's series are read.
///
/// The single description of the fleet's metrics: `/metrics` and the rule engine's samples both come from it.
public struct FleetFamily: Sendable {
    /// How an agent's series of this family are formed.
    public enum Kind: Sendable {
        /// One series per agent, labelled `agent` (and `agent_type`); nil leaves the agent out.
        case perAgent(OptionalAgentValue)
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
            agent.pointee.gauges.activeTasks
        },
        gauge(
            "agent_consecutive_failures",
            "Tasks the agent failed in a row; 0 after a success. Absent before its first task."
        ) { agent, _ in
            agent.pointee.streak.lastSuccessAt == nil && agent.pointee.streak.lastFailureAt == nil
                ? nil : agent.pointee.streak.consecutiveFailures
        },
        counter("agent_cost_usd_total", "Cost the agent reported, in US dollars.") { agent, _ in
            agent.pointee.counters.costUSD
        },
        gauge(
            "agent_ephemeral",
            "1 for an agent whose beats say it is ephemeral (forgotten once it stops or goes silent); absent otherwise."
        ) { agent, _ in agent.pointee.ephemeral ? 1 : nil },
        counter("agent_errors_total", "Errors the agent reported.") { agent, _ in agent.pointee.counters.errors },
        FleetFamily(
            name: "agent_health", type: .gauge,
            help: "The agent's health state: 1 for the current state, 0 for the others.",
            kind: .perLabelValue(
                label: "state",
                values: HealthState.allCases.sorted { $0.rawValue < $1.rawValue }.map { state in
                    (state.rawValue, { @Sendable _, current in current == state ? 1 : 0 })
                })),
        counter("agent_heartbeats_total", "Heartbeats counted (retries excluded).") { agent, _ in
            agent.pointee.counters.heartbeats
        },
        FleetFamily(
            name: "agent_info", type: .gauge, help: "Identity of the agent: its type, host and own labels; always 1.",
            kind: .info),
        gauge("agent_killed", "1 while an operator has the agent killed.") { agent, _ in
            agent.pointee.killed == nil ? 0 : 1
        },
        gauge(
            "agent_last_failure_timestamp_seconds",
            "Unix time of the heartbeat that reported the agent's latest failed task."
        ) {
            agent, _ in agent.pointee.streak.lastFailureAt?.seconds
        },
        gauge("agent_last_heartbeat_timestamp_seconds", "Unix time of the agent's last counted heartbeat.") {
            agent, _ in
            agent.pointee.awaitingFirstBeat ? nil : agent.pointee.lastBeat.seconds
        },
        gauge(
            "agent_last_run_duration_seconds",
            "Duration of the agent's last finished run, measured by the exporter from its start to its finish."
        ) { agent, _ in agent.pointee.lastRun?.duration?.seconds },
        gauge("agent_last_run_exit_code", "Exit code of the agent's last finished run, when its finish carried one.") {
            agent, _ in
            agent.pointee.lastRun?.exitCode.map(Double.init)
        },
        gauge("agent_last_run_success", "1 when the agent's last finished run succeeded, 0 when it failed.") {
            agent, _ in
            agent.pointee.lastRun.map { $0.success ? 1 : 0 }
        },
        gauge("agent_last_run_timestamp_seconds", "Unix time the agent's last run finished.") { agent, _ in
            agent.pointee.lastRun?.finishedAt.seconds
        },
        gauge(
            "agent_last_success_timestamp_seconds",
            "Unix time of the heartbeat that reported the agent's latest successful task."
        ) {
            agent, _ in agent.pointee.streak.lastSuccessAt?.seconds
        },
        gauge(
            "agent_last_task_duration_seconds",
            "Duration of the agent's latest task that reported a latency, in seconds."
        ) {
            agent, _ in agent.pointee.streak.lastTaskDurationSeconds
        },
        gauge(
            "agent_maintenance_until_timestamp_seconds",
            "Unix time the agent's open maintenance window ends; absent when none is open."
        ) { agent, state in state == .maintenance ? agent.pointee.maintenance?.until.seconds : nil },
        gauge("agent_memory_bytes", "Memory the agent reported using, in bytes.") { agent, _ in
            agent.pointee.gauges.memoryBytes
        },
        gauge(
            "agent_missing_since_timestamp_seconds",
            "Unix time an expected agent that has never sent a heartbeat was first listed (kept across restarts)."
        ) { agent, state in state == .missing ? agent.pointee.firstSeen.seconds : nil },
        gauge(
            "agent_next_run_timestamp_seconds",
            "Unix time the first run after the agent's last heartbeat is due, for agents judged by a schedule."
        ) { agent, _ in agent.pointee.scheduleDeadlines?.nextRun.seconds },
        gauge("agent_queue_depth", "Work items waiting for the agent, as it last reported.") { agent, _ in
            agent.pointee.gauges.queueDepth
        },
        gauge("agent_recovering", "1 while a recovery ladder restarts or replaces the agent.") { _, state in
            state == .recovering ? 1 : 0
        },
        counter("agent_restarts_total", "Restarts of the agent (new run_id).") { agent, _ in
            agent.pointee.counters.restarts
        },
        gauge(
            "agent_run_max_runtime_seconds",
            "How long the agent's open run may last before it runs too long, from its start or its schedule."
        ) { agent, _ in agent.pointee.openRun == nil ? nil : agent.pointee.maxRuntime?.seconds },
        gauge("agent_run_started_timestamp_seconds", "Unix time the agent's open run started.") { agent, _ in
            agent.pointee.openRun?.startedAt.seconds
        },
        gauge("agent_running", "1 between a run's start and its finish, 0 otherwise; for agents that run as jobs.") {
            agent, _ in
            agent.pointee.openRun != nil ? 1 : (agent.pointee.isJob ? 0 : nil)
        },
        FleetFamily(
            name: "agent_task_duration_seconds", type: .histogram, help: "Duration of the agent's tasks, in seconds.",
            kind: .taskDurations),
        gauge("agent_task_progress_ratio", "Progress of the agent's current task, 0 to 1.") { agent, _ in
            agent.pointee.gauges.taskProgress
        },
        FleetFamily(
            name: "agent_tasks_total", type: .counter, help: "Tasks the agent finished, by outcome.",
            kind: .perLabelValue(
                label: "outcome",
                values: [
                    ("failure", { @Sendable agent, _ in agent.pointee.counters.tasksFailed }),
                    ("success", { @Sendable agent, _ in agent.pointee.counters.tasksSucceeded }),
                ])),
        counter("agent_tokens_total", "Tokens the agent reported using.") { agent, _ in agent.pointee.counters.tokens },
        gauge("agent_up", "1 while the agent is healthy or degraded, else 0.") { _, state in state.isUp ? 1 : 0 },
    ]

    private static func gauge(
        _ name: String, _ help: String, _ read: @escaping OptionalAgentValue
    ) -> FleetFamily {
        FleetFamily(name: name, type: .gauge, help: help, kind: .perAgent(read))
    }

    private static func counter(
        _ name: String, _ help: String, _ read: @escaping OptionalAgentValue
    ) -> FleetFamily {
        FleetFamily(name: name, type: .counter, help: help, kind: .perAgent(read))
    }
}
