import Fleet
import JSON
import Model

/// How agents, summaries and transitions look in the JSON API.
enum AgentJSON {
    /// One agent with its state judged at `now` and its latest metrics.
    static func write(_ record: AgentRecord, at now: Timestamp, policy: HealthPolicy, into writer: inout JSONWriter) {
        let thresholds = record.thresholds(policy)
        writer.beginObject()
        field("agent", record.name, &writer)
        optional("agent_type", record.agentType, &writer)
        optional("host", record.host, &writer)
        writer.key("labels")
        writer.beginObject()
        for label in record.labels { field(label.name, label.value, &writer) }
        writer.endObject()
        field("state", record.state(at: now, policy: policy).rawValue, &writer)
        time("state_since", record.stateSince, &writer)
        time("first_seen", record.firstSeen, &writer)
        time("last_heartbeat", record.lastBeat, &writer)
        seconds("last_heartbeat_age_seconds", max(.zero, now - record.lastBeat), &writer)
        optional("run_id", record.runID, &writer)
        if let seq = record.seq { number("seq", Double(seq), &writer) }
        if let interval = record.intervalSeconds { number("interval_seconds", interval, &writer) }
        writer.key("thresholds")
        writer.beginObject()
        seconds("degraded_after_seconds", thresholds.degradedAfter, &writer)
        seconds("unreachable_after_seconds", thresholds.unreachableAfter, &writer)
        writer.endObject()
        optional("status", record.selfReportedStatus?.rawValue, &writer)
        optional("current_task", record.currentTask, &writer)
        action("killed", record.killed, &writer)
        action("stopped", record.stopped, &writer)
        recovery(record.recovery, &writer)
        if let error = record.lastTaskError {
            writer.key("last_task_error")
            writer.beginObject()
            field("message", error.message, &writer)
            time("at", error.at, &writer)
            writer.endObject()
        }
        writeMetrics(record, at: now, &writer)
        writer.endObject()
    }

    private static func writeMetrics(_ record: AgentRecord, at now: Timestamp, _ writer: inout JSONWriter) {
        let counters = record.counters, gauges = record.gauges
        writer.key("metrics")
        writer.beginObject()
        number("heartbeats_total", counters.heartbeats, &writer)
        number("restarts_total", counters.restarts, &writer)
        number("tasks_succeeded_total", counters.tasksSucceeded, &writer)
        number("tasks_failed_total", counters.tasksFailed, &writer)
        number("cost_usd_total", counters.costUSD, &writer)
        if let rate = record.costWindow.usdPerHour(costUSD: counters.costUSD, at: now) {
            number("cost_usd_per_hour", rate, &writer)
        }
        number("tokens_total", counters.tokens, &writer)
        number("errors_total", counters.errors, &writer)
        if let value = gauges.queueDepth { number("queue_depth", value, &writer) }
        if let value = gauges.activeTasks { number("active_tasks", value, &writer) }
        if let value = gauges.memoryBytes { number("memory_bytes", value, &writer) }
        if let value = gauges.taskProgress { number("task_progress_ratio", value, &writer) }
        number("task_duration_seconds_count", Double(record.taskDurations.count), &writer)
        number("task_duration_seconds_sum", record.taskDurations.sum, &writer)
        writer.endObject()
    }

    /// Counts per state, every state present, plus `total`.
    static func writeSummary(_ counts: [HealthState: Int], into writer: inout JSONWriter) {
        writer.beginObject()
        for state in HealthState.allCases { number(state.rawValue, Double(counts[state] ?? 0), &writer) }
        number("total", Double(counts.values.reduce(0, +)), &writer)
        writer.endObject()
    }

    static func write(_ transition: Transition, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("from")
        if let from = transition.from { writer.string(from.rawValue) } else { writer.null() }
        field("to", transition.to.rawValue, &writer)
        time("at", transition.at, &writer)
        field("reason", transition.reason, &writer)
        writer.endObject()
    }

    private static func action(_ key: String, _ action: OperatorAction?, _ writer: inout JSONWriter) {
        writer.key(key)
        guard let action else {
            writer.null()
            return
        }
        writer.beginObject()
        time("at", action.at, &writer)
        optional("by", action.by, &writer)
        optional("reason", action.reason, &writer)
        writer.endObject()
    }

    /// `recovery`: the ladder and step working on the agent, or null.
    private static func recovery(_ recovery: AgentRecovery?, _ writer: inout JSONWriter) {
        writer.key("recovery")
        guard let recovery else {
            writer.null()
            return
        }
        writer.beginObject()
        field("ladder", recovery.ladder, &writer)
        field("step", recovery.step, &writer)
        time("since", recovery.since, &writer)
        time("step_since", recovery.stepSince, &writer)
        writer.endObject()
    }

    private static func field(_ key: String, _ value: String, _ writer: inout JSONWriter) {
        writer.key(key)
        writer.string(value)
    }

    private static func optional(_ key: String, _ value: String?, _ writer: inout JSONWriter) {
        guard let value else { return }
        field(key, value, &writer)
    }

    private static func time(_ key: String, _ value: Timestamp, _ writer: inout JSONWriter) {
        writer.key(key)
        writer.rfc3339(value)
    }

    private static func seconds(_ key: String, _ value: PrometheusDuration, _ writer: inout JSONWriter) {
        writer.key(key)
        writer.seconds(value)
    }

    private static func number(_ key: String, _ value: Double, _ writer: inout JSONWriter) {
        writer.key(key)
        writer.number(value)
    }
}
