import Cron
import Fleet
import GRDB
import Model
import JSON
import Model

/// Maps an ``AgentRecord`` to a row of the `agent` table and back.
enum AgentRow {
    static let columns = [
        "name", "agent_type", "host", "labels", "run_id", "seq", "interval_seconds", "self_reported_status",
        "current_task", "first_seen", "last_beat", "heartbeats", "restarts", "tasks_succeeded", "tasks_failed",
        "cost_usd", "tokens", "errors", "queue_depth", "active_tasks", "memory_bytes", "task_progress",
        "duration_bounds", "duration_counts", "duration_sum", "duration_count", "killed_at", "killed_by",
        "killed_reason", "stopped_at", "stopped_by", "stopped_reason", "recorded_state", "state_since",
        "schedule_cron", "schedule_timezone", "schedule_grace", "schedule_max_runtime", "run_started_at",
        "run_max_runtime", "last_run_started_at", "last_run_finished_at", "last_run_success", "last_run_exit_code",
        "last_run_output", "maintenance_starts_at", "maintenance_until", "maintenance_reason", "maintenance_by",
        "ephemeral", "beat_grace", "consecutive_failures", "last_success_at", "last_failure_at", "last_task_duration",
        "depends_on",
    ]

    static let upsertSQL =
        "INSERT OR REPLACE INTO agent (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"

    static func arguments(for record: AgentRecord) -> StatementArguments {
        StatementArguments(values(for: record))
    }

    /// The row's values in the order of ``columns``: what both backends write.
    static func values(for record: AgentRecord) -> [(any DatabaseValueConvertible)?] {
        let counters = record.counters, gauges = record.gauges, durations = record.taskDurations
        let values: [(any DatabaseValueConvertible)?] = [
            record.name, record.agentType, record.host, encodeLabels(record.labels), record.runID,
            record.seq.map { Int64($0) }, record.intervalSeconds, record.selfReportedStatus?.rawValue,
            record.currentTask, record.firstSeen.seconds, record.lastBeat.seconds, counters.heartbeats,
            counters.restarts,
            counters.tasksSucceeded, counters.tasksFailed, counters.costUSD, counters.tokens, counters.errors,
            gauges.queueDepth, gauges.activeTasks, gauges.memoryBytes, gauges.taskProgress,
            joined(durations.upperBounds), joined(durations.bucketCounts), durations.sum, Int64(durations.count),
            record.killed?.at.seconds, record.killed?.by, record.killed?.reason,
            record.stopped?.at.seconds, record.stopped?.by, record.stopped?.reason,
            record.recordedState.rawValue, record.stateSince.seconds,
            record.schedule?.cron.expression.text, record.schedule?.cron.timeZone.identifier,
            record.schedule?.grace.seconds, record.schedule?.maxRuntime?.seconds,
            record.openRun?.startedAt.seconds, record.openRun?.maxRuntime?.seconds,
            record.lastRun?.startedAt?.seconds, record.lastRun?.finishedAt.seconds,
            record.lastRun.map { $0.success ? 1 : 0 }, record.lastRun?.exitCode, record.lastRun?.output,
            record.maintenance?.startsAt.seconds, record.maintenance?.until.seconds, record.maintenance?.reason,
            record.maintenance?.by, record.ephemeral ? 1 : 0, record.beatGrace?.seconds,
            record.streak.consecutiveFailures, record.streak.lastSuccessAt?.seconds,
            record.streak.lastFailureAt?.seconds,
            record.streak.lastTaskDurationSeconds, encodeNames(record.dependsOn),
        ]
        return values
    }

    /// The agent a row of `agent` describes, whichever backend read it.
    static func record(from row: Row) -> AgentRecord {
        record(from: NamedRow(row))
    }

    /// The agent a row of `agent` describes, its columns read through positions known beforehand.
    static func record(from row: NamedRow) -> AgentRecord {
        var record = AgentRecord(name: row["name"], firstSeen: Timestamp(storedSeconds: row["first_seen"]))
        record.agentType = row["agent_type"]
        record.host = row["host"]
        record.labels = decodeLabels(row["labels"])
        record.runID = row["run_id"]
        record.seq = (row["seq"] as Int64?).map { UInt64(max(0, $0)) }
        record.intervalSeconds = row["interval_seconds"]
        record.selfReportedStatus = (row["self_reported_status"] as String?).flatMap(SelfReportedStatus.init(rawValue:))
        record.currentTask = row["current_task"]
        record.lastBeat = Timestamp(storedSeconds: row["last_beat"])
        record.counters = counters(from: row)
        record.gauges = gauges(from: row)
        record.taskDurations = DurationHistogram(
            upperBounds: numbers(row["duration_bounds"]) { Double($0) },
            bucketCounts: numbers(row["duration_counts"]) { UInt64($0) },
            sum: row["duration_sum"], count: UInt64(max(0, row["duration_count"] as Int64)))
        record.killed = action(row, "killed")
        record.stopped = action(row, "stopped")
        record.recordedState = (row["recorded_state"] as String?).flatMap(HealthState.init(rawValue:)) ?? .healthy
        record.stateSince = Timestamp(storedSeconds: row["state_since"])
        record.schedule = schedule(from: row)
        record.openRun = (row["run_started_at"] as Double?).map {
            OpenRun(
                startedAt: Timestamp(storedSeconds: $0),
                maxRuntime: (row["run_max_runtime"] as Double?).map { .seconds($0) })
        }
        record.lastRun = lastRun(from: row)
        readLifecycle(from: row, into: &record)
        return record
    }

    /// The maintenance window, ephemeral mark, beat grace and task streak (the lifecycle version's columns).
    private static func readLifecycle(from row: NamedRow, into record: inout AgentRecord) {
        if let starts = row["maintenance_starts_at"] as Double?, let until = row["maintenance_until"] as Double? {
            record.maintenance = MaintenanceWindow(
                startsAt: Timestamp(storedSeconds: starts), until: Timestamp(storedSeconds: until),
                reason: row["maintenance_reason"], by: row["maintenance_by"])
        }
        record.ephemeral = (row["ephemeral"] as Int64? ?? 0) != 0
        record.beatGrace = (row["beat_grace"] as Double?).map { .seconds($0) }
        var streak = TaskStreak()
        streak.consecutiveFailures = row["consecutive_failures"] as Double? ?? 0
        streak.lastSuccessAt = (row["last_success_at"] as Double?).map { Timestamp(storedSeconds: $0) }
        streak.lastFailureAt = (row["last_failure_at"] as Double?).map { Timestamp(storedSeconds: $0) }
        streak.lastTaskDurationSeconds = row["last_task_duration"]
        record.streak = streak
        record.dependsOn = decodeNames(row["depends_on"])
    }

    /// The agent's last finished run, with its exit code and output.
    private static func lastRun(from row: NamedRow) -> FinishedRun? {
        guard let finished = row["last_run_finished_at"] as Double?, let success = row["last_run_success"] as Int64?
        else { return nil }
        return FinishedRun(
            startedAt: (row["last_run_started_at"] as Double?).map { Timestamp(storedSeconds: $0) },
            finishedAt: Timestamp(storedSeconds: finished), success: success != 0,
            exitCode: (row["last_run_exit_code"] as Int64?).map { Int($0) }, output: row["last_run_output"])
    }

    /// The schedule the agent's beats carried; nil when none, or when it no longer reads (a time zone the system's
    /// tz database has dropped since).
    private static func schedule(from row: NamedRow) -> AgentSchedule? {
        guard let cron = row["schedule_cron"] as String?, let zone = row["schedule_timezone"] as String?,
            let grace = row["schedule_grace"] as Double?,
            let expression = try? CronExpression(parsing: cron), let timeZone = try? ScheduleTimeZone(identifier: zone)
        else { return nil }
        return AgentSchedule(
            cron: CronSchedule(expression: expression, timeZone: timeZone), grace: .seconds(grace),
            maxRuntime: (row["schedule_max_runtime"] as Double?).map { .seconds($0) })
    }

    private static func counters(from row: NamedRow) -> AgentCounters {
        var counters = AgentCounters()
        counters.heartbeats = row["heartbeats"]
        counters.restarts = row["restarts"]
        counters.tasksSucceeded = row["tasks_succeeded"]
        counters.tasksFailed = row["tasks_failed"]
        counters.costUSD = row["cost_usd"]
        counters.tokens = row["tokens"]
        counters.errors = row["errors"]
        return counters
    }

    private static func gauges(from row: NamedRow) -> AgentGauges {
        var gauges = AgentGauges()
        gauges.queueDepth = row["queue_depth"]
        gauges.activeTasks = row["active_tasks"]
        gauges.memoryBytes = row["memory_bytes"]
        gauges.taskProgress = row["task_progress"]
        return gauges
    }

    private static func action(_ row: NamedRow, _ prefix: String) -> OperatorAction? {
        guard let at = row["\(prefix)_at"] as Double? else { return nil }
        return OperatorAction(
            reason: row["\(prefix)_reason"], by: row["\(prefix)_by"],
            at: Timestamp(storedSeconds: at))
    }

    static func encodeLabels(_ labels: [(name: String, value: String)]) -> String {
        var writer = JSONWriter()
        writer.beginArray()
        for label in labels {
            writer.beginArray()
            writer.string(label.name)
            writer.string(label.value)
            writer.endArray()
        }
        writer.endArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The agents an agent declared it depends on, as a JSON array of strings (the dependencies version's column).
    static func encodeNames(_ names: [String]) -> String {
        var writer = JSONWriter()
        writer.beginArray()
        for name in names { writer.string(name) }
        writer.endArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func decodeNames(_ text: String?) -> [String] {
        guard let text, case .array(let items)? = try? JSONParser.parse(Array(text.utf8)) else { return [] }
        return items.compactMap { item in
            guard case .string(let name) = item else { return nil }
            return name
        }
    }

    static func decodeLabels(_ text: String?) -> [(name: String, value: String)] {
        guard let text else { return [] }
        if let pairs = StoredLabelPairs.read(text) { return pairs }
        guard case .array(let pairs)? = try? JSONParser.parse(Array(text.utf8)) else { return [] }
        return pairs.compactMap { pair in
            guard case .array(let items) = pair, items.count == 2,
                case .string(let name) = items[0], case .string(let value) = items[1]
            else { return nil }
            return (name, value)
        }
    }

    static func encodeLabels(_ labels: Labels) -> String {
        encodeLabels(labels.labels.map { ($0.name, $0.value) })
    }

    static func decodeLabelSet(_ text: String?) -> Labels {
        Labels(decodeLabels(text).map { Label($0.name, $0.value) })
    }

    static func joined<T: LosslessStringConvertible>(_ values: [T]) -> String {
        values.map(\.description).joined(separator: ",")
    }

    /// The numbers of a comma-separated list as ``joined(_:)`` writes it, each read by `read` (an item that does not
    /// read is left out). Items are read in place: a restart reads two such lists per agent.
    private static func numbers<Number>(_ text: String?, _ read: (Substring) -> Number?) -> [Number] {
        guard let text, !text.isEmpty else { return [] }
        let bytes = text.utf8
        var numbers: [Number] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.endIndex
            if let number = read(Substring(bytes[start..<end])) { numbers.append(number) }
            start = end == bytes.endIndex ? end : bytes.index(after: end)
        }
        return numbers
    }
}

/// Maps a ``Transition`` to a row of the `transition` table and back.
enum TransitionRow {
    static let insertSQL = "INSERT INTO transition (agent, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)"

    /// Deletes an agent's transitions older than both its newest N and the last one before a time (arguments: agent,
    /// agent, N, agent, the time in seconds): everything since the time stays (``FleetChanges/historyKeptSince``).
    static let pruneSQL = """
        DELETE FROM transition WHERE agent = ? AND id < (
            SELECT min(id) FROM (SELECT id FROM transition WHERE agent = ? ORDER BY id DESC LIMIT ?))
        AND id < coalesce((SELECT max(id) FROM transition WHERE agent = ? AND at < ?), 0)
        """

    /// The time in seconds before which ``pruneSQL`` may delete: nil keeps none beyond the newest N.
    static func prunedBefore(_ changes: FleetChanges) -> Double {
        changes.historyKeptSince?.seconds ?? Double.greatestFiniteMagnitude
    }

    /// An agent's transitions since a time, preceded by the last one before it (arguments: agent, seconds, agent,
    /// seconds).
    static let sinceSQL = """
        SELECT * FROM transition WHERE agent = ? AND id >= coalesce(
            (SELECT max(id) FROM transition WHERE agent = ? AND at < ?),
            (SELECT min(id) FROM transition WHERE agent = ? AND at >= ?), 0)
        ORDER BY id
        """

    static func arguments(for transition: Transition) -> StatementArguments {
        [transition.agent, transition.from?.rawValue, transition.to.rawValue, transition.at.seconds, transition.reason]
    }

    /// Every agent's most recent transitions, at most a number of them each (argument: that number, written by
    /// `placeholder`), in agent and then id order: what a restart reads in one query.
    static func recentOfEveryAgentSQL(placeholder: String) -> String {
        """
        SELECT agent, from_state, to_state, at, reason FROM (
            SELECT *, row_number() OVER (PARTITION BY agent ORDER BY id DESC) AS newness FROM transition) AS ranked
        WHERE newness <= \(placeholder) ORDER BY agent, id
        """
    }

    /// The transition of a row that names its agent (as ``recentOfEveryAgentSQL(placeholder:)`` reads them).
    static func agentTransition(_ row: NamedRow) -> Transition? {
        guard let agent = row["agent"] as String? else { return nil }
        return transition(row, agent: agent)
    }

    /// Transitions by agent, each agent's in the order given.
    static func byAgent(_ transitions: [Transition?]) -> [String: [Transition]] {
        var histories: [String: [Transition]] = [:]
        for case let transition? in transitions { histories[transition.agent, default: []].append(transition) }
        return histories
    }

    static func recent(_ db: Database, agent: String, limit: Int) throws -> [Transition] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM transition WHERE agent = ? ORDER BY id DESC LIMIT ?", arguments: [agent, limit])
        return rows.reversed().compactMap { transition($0, agent: agent) }
    }

    static func since(_ db: Database, agent: String, since: Timestamp) throws -> [Transition] {
        let rows = try Row.fetchAll(
            db, sql: sinceSQL, arguments: [agent, agent, since.seconds, agent, since.seconds])
        return rows.compactMap { transition($0, agent: agent) }
    }

    /// The transition a row holds; nil for a state this version does not know.
    static func transition(_ row: Row, agent: String) -> Transition? {
        transition(NamedRow(row), agent: agent)
    }

    /// The transition a row holds, its columns found through positions known beforehand.
    static func transition(_ row: NamedRow, agent: String) -> Transition? {
        guard let to = (row["to_state"] as String?).flatMap(HealthState.init(rawValue:)) else { return nil }
        return Transition(
            agent: agent, from: (row["from_state"] as String?).flatMap(HealthState.init(rawValue:)), to: to,
            at: Timestamp(storedSeconds: row["at"]), reason: row["reason"])
    }
}
