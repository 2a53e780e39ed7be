import Fleet
import JSON
import Model
import Recovery

/// How agents, summaries and transitions look in the JSON API.
enum AgentJSON {
    /// One agent with its state judged at `now` and its latest metrics; with `recoveryRun`, its recovery ladder's
    /// run under way or last run (`recovery_run`, written by ``RecoveryRunJSON``); with `dependencies`, the
    /// dependency graph around it (`dependencies`, ``writeDependencies(of:_:_:)``).
    static func write(
        _ record: AgentRecord, at now: Timestamp, policy: HealthPolicy, recoveryRun: RecoveryRun? = nil,
        dependencies: DependencyMap? = nil, into writer: inout JSONWriter
    ) {
        let judgement = record.judgement(policy)
        let thresholds = judgement.thresholds
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
        if record.awaitingFirstBeat {
            // Expected (fleet.expected) and never seen: listed since start-up or the reload that expected it.
            time("missing_since", record.firstSeen, &writer)
            writer.key("last_heartbeat")
            writer.null()
        } else {
            time("first_seen", record.firstSeen, &writer)
            time("last_heartbeat", record.lastBeat, &writer)
            seconds("last_heartbeat_age_seconds", max(.zero, now - record.lastBeat), &writer)
        }
        optional("run_id", record.runID, &writer)
        if let seq = record.seq { number("seq", Double(seq), &writer) }
        if let interval = record.intervalSeconds { number("interval_seconds", interval, &writer) }
        writer.key("thresholds")
        writer.beginObject()
        seconds("degraded_after_seconds", thresholds.degradedAfter, &writer)
        seconds("unreachable_after_seconds", thresholds.unreachableAfter, &writer)
        field("source", judgement.source.rawValue, &writer)
        // Included in both thresholds above, until the next beat.
        if let grace = record.beatGrace { seconds("grace_seconds", grace, &writer) }
        writer.endObject()
        schedule(judgement.schedule, &writer)
        optional("status", record.selfReportedStatus?.rawValue, &writer)
        optional("current_task", record.currentTask, &writer)
        action("killed", record.killed, &writer)
        action("stopped", record.stopped, &writer)
        recovery(record.recovery, &writer)
        lifecycle(record, at: now, &writer)
        if let recoveryRun {
            writer.key("recovery_run")
            RecoveryRunJSON.write(recoveryRun, into: &writer)
        }
        if let error = record.lastTaskError {
            writer.key("last_task_error")
            writer.beginObject()
            field("message", error.message, &writer)
            time("at", error.at, &writer)
            writer.endObject()
        }
        runs(record, at: now, &writer)
        if let dependencies { writeDependencies(of: record, dependencies, &writer) }
        writeMetrics(record, at: now, &writer)
        writer.endObject()
    }

    /// `run`: the run under way (its start, its max runtime and whether it runs too long), or null; `last_run`: the
    /// last finished run with its result, duration, exit code and the end of its output, or null.
    private static func runs(_ record: AgentRecord, at now: Timestamp, _ writer: inout JSONWriter) {
        writer.key("run")
        if let open = record.openRun {
            writer.beginObject()
            time("started_at", open.startedAt, &writer)
            seconds("running_seconds", max(.zero, now - open.startedAt), &writer)
            if let maxRuntime = record.maxRuntime { seconds("max_runtime_seconds", maxRuntime, &writer) }
            writer.key("running_too_long")
            writer.bool(record.isRunningTooLong(at: now))
            writer.endObject()
        } else {
            writer.null()
        }
        writer.key("last_run")
        guard let run = record.lastRun else {
            writer.null()
            return
        }
        writer.beginObject()
        field("result", run.success ? "success" : "failure", &writer)
        if let startedAt = run.startedAt { time("started_at", startedAt, &writer) }
        time("finished_at", run.finishedAt, &writer)
        if let duration = run.duration { seconds("duration_seconds", duration, &writer) }
        if let exitCode = run.exitCode { number("exit_code", Double(exitCode), &writer) }
        optional("output", run.output, &writer)
        writer.endObject()
    }

    private static func writeMetrics(_ record: AgentRecord, at now: Timestamp, _ writer: inout JSONWriter) {
        let counters = record.counters, gauges = record.gauges
        writer.key("metrics")
        writer.beginObject()
        // An expected agent that never beat has reported nothing: no counters, no cost (not a cost of 0).
        guard !record.awaitingFirstBeat else {
            writer.endObject()
            return
        }
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
        streak(record.streak, &writer)
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

    /// `schedule`: the schedule that judges the agent and the runs it expects after the last beat, or null.
    private static func schedule(_ deadlines: ScheduleDeadlines?, _ writer: inout JSONWriter) {
        writer.key("schedule")
        guard let deadlines else {
            writer.null()
            return
        }
        writer.beginObject()
        field("cron", deadlines.schedule.cron.expression.text, &writer)
        field("timezone", deadlines.schedule.cron.timeZone.identifier, &writer)
        seconds("grace_seconds", deadlines.schedule.grace, &writer)
        if let maxRuntime = deadlines.schedule.maxRuntime { seconds("max_runtime_seconds", maxRuntime, &writer) }
        time("next_run", deadlines.nextRun, &writer)
        time("late_at", deadlines.lateAt, &writer)
        time("missed_at", deadlines.missedAt, &writer)
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

    static func field(_ key: String, _ value: String, _ writer: inout JSONWriter) {
        writer.key(key)
        writer.string(value)
    }

    static func optional(_ key: String, _ value: String?, _ writer: inout JSONWriter) {
        guard let value else { return }
        field(key, value, &writer)
    }

    static func time(_ key: String, _ value: Timestamp, _ writer: inout JSONWriter) {
        writer.key(key)
        writer.rfc3339(value)
    }

    static func seconds(_ key: String, _ value: PrometheusDuration, _ writer: inout JSONWriter) {
        writer.key(key)
        writer.seconds(value)
    }

    static func number(_ key: String, _ value: Double, _ writer: inout JSONWriter) {
        writer.key(key)
        writer.number(value)
    }
}
