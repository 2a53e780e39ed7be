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
    ]

    static let upsertSQL =
        "INSERT OR REPLACE INTO agent (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"

    static func arguments(for record: AgentRecord) -> StatementArguments {
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
        ]
        return StatementArguments(values)
    }

    static func fetchAll(_ db: Database) throws -> [AgentRecord] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM agent ORDER BY name")
        return rows.map(record(from:))
    }

    private static func record(from row: Row) -> AgentRecord {
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
            upperBounds: split(row["duration_bounds"]), bucketCounts: split(row["duration_counts"]),
            sum: row["duration_sum"], count: UInt64(max(0, row["duration_count"] as Int64)))
        record.killed = action(row, "killed")
        record.stopped = action(row, "stopped")
        record.recordedState = (row["recorded_state"] as String?).flatMap(HealthState.init(rawValue:)) ?? .healthy
        record.stateSince = Timestamp(storedSeconds: row["state_since"])
        return record
    }

    private static func counters(from row: Row) -> AgentCounters {
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

    private static func gauges(from row: Row) -> AgentGauges {
        var gauges = AgentGauges()
        gauges.queueDepth = row["queue_depth"]
        gauges.activeTasks = row["active_tasks"]
        gauges.memoryBytes = row["memory_bytes"]
        gauges.taskProgress = row["task_progress"]
        return gauges
    }

    private static func action(_ row: Row, _ prefix: String) -> OperatorAction? {
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

    static func decodeLabels(_ text: String?) -> [(name: String, value: String)] {
        guard let text, case .array(let pairs)? = try? JSONParser.parse(Array(text.utf8)) else { return [] }
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

    private static func joined<T: LosslessStringConvertible>(_ values: [T]) -> String {
        values.map(\.description).joined(separator: ",")
    }

    private static func split<T: LosslessStringConvertible>(_ text: String?) -> [T] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: ",").compactMap { T(String($0)) }
    }
}

/// Maps a ``Transition`` to a row of the `transition` table and back.
enum TransitionRow {
    static let insertSQL = "INSERT INTO transition (agent, from_state, to_state, at, reason) VALUES (?, ?, ?, ?, ?)"

    /// Deletes an agent's transitions older than its newest N (arguments: agent, agent, N).
    static let pruneSQL = """
        DELETE FROM transition WHERE agent = ? AND id < (
            SELECT min(id) FROM (SELECT id FROM transition WHERE agent = ? ORDER BY id DESC LIMIT ?))
        """

    static func arguments(for transition: Transition) -> StatementArguments {
        [transition.agent, transition.from?.rawValue, transition.to.rawValue, transition.at.seconds, transition.reason]
    }

    static func recent(_ db: Database, agent: String, limit: Int) throws -> [Transition] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM transition WHERE agent = ? ORDER BY id DESC LIMIT ?", arguments: [agent, limit])
        return rows.reversed().compactMap { row in
            guard let to = (row["to_state"] as String?).flatMap(HealthState.init(rawValue:)) else { return nil }
            return Transition(
                agent: agent, from: (row["from_state"] as String?).flatMap(HealthState.init(rawValue:)), to: to,
                at: Timestamp(storedSeconds: row["at"]), reason: row["reason"])
        }
    }
}
