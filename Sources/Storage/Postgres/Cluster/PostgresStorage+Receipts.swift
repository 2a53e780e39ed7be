import Fleet
import GRDB
import Model

/// How several exporters write one fleet without counting a beat twice (issue 20): an agent's row carries the node's
/// view of everything but its counters, which move only by the deltas of beats the database has not seen yet.
///
/// A beat with `run_id` and `seq` leaves a receipt (`heartbeat_receipt`); its deltas are added only when the receipt
/// is new, so a beat retried to another node is counted once whichever node writes first. A restart counts only when
/// its run is new to the database (`agent_run`) and the agent had another run before. Every write of an agent takes
/// the next value of `fleet_change_seq` under a transaction lock, so the values commit in order and a node that polls
/// for `change_seq` above the last one it merged misses none.
extension PostgresStorage {
    /// The key of the transaction-level advisory lock every fleet write takes first (`pg_advisory_xact_lock`): change
    /// sequence values are then committed in the order they were taken.
    static let fleetWriteLockKey: Int64 = 0x6862_6578_0002

    /// How long receipts are kept: a retry arriving later than this is recognised by the run's last `seq` instead.
    static let receiptRetention = PrometheusDuration.seconds(3_600)

    /// Serialises fleet writes of all nodes until the transaction ends, so change sequence values commit in order.
    static func lockFleetWrites(_ session: PostgresSession) throws {
        try session.execute("SELECT pg_advisory_xact_lock($1)", [fleetWriteLockKey])
    }

    /// Removes what a deleted agent leaves besides its row, and leaves a tombstone for the other nodes to merge.
    static func bury(_ name: String, _ session: PostgresSession) throws {
        try session.execute("DELETE FROM heartbeat_receipt WHERE agent = $1", [name])
        try session.execute("DELETE FROM agent_run WHERE agent = $1", [name])
        try session.execute(
            """
            INSERT INTO agent_tombstone (name, change_seq, deleted_at)
            VALUES ($1, nextval('fleet_change_seq'), extract(epoch FROM clock_timestamp()))
            ON CONFLICT (name) DO UPDATE SET change_seq = EXCLUDED.change_seq, deleted_at = EXCLUDED.deleted_at
            """, [name])
    }

    /// Adds each receipt's deltas to its agent's counters when the database has not counted that beat yet, and
    /// forgets receipts older than ``receiptRetention``.
    static func applyReceipts(_ receipts: [BeatReceipt], _ session: PostgresSession) throws {
        guard let newest = receipts.map(\.at).max() else { return }
        try session.executeBatch(applyReceiptSQL, receipts.map(receiptValues))
        try session.execute(
            "DELETE FROM heartbeat_receipt WHERE received_at < $1", [(newest - receiptRetention).seconds])
    }

    private static func receiptValues(_ receipt: BeatReceipt) -> [(any DatabaseValueConvertible)?] {
        let deltas = receipt.deltas
        let durations = receipt.durations
        return [
            receipt.agent, receipt.runID, receipt.seq.map { Int64(bitPattern: $0) }, receipt.at.seconds,
            deltas.heartbeats, deltas.tasksSucceeded, deltas.tasksFailed, deltas.costUSD, deltas.tokens, deltas.errors,
            durations.map { AgentRow.joined($0.upperBounds) }, durations.map { AgentRow.joined($0.bucketCounts) },
            durations?.sum ?? 0, Int64(durations?.count ?? 0),
        ]
    }

    /// One beat's conditional update: the receipt, the run, then the counters and the task-duration histogram when
    /// the receipt (if any) was new. The histogram's buckets are added one by one; a histogram stored with other
    /// bounds (another node's configuration, or one before a reload) starts afresh, as in memory.
    static let applyReceiptSQL = """
        WITH receipt AS (
            INSERT INTO heartbeat_receipt (agent, run_id, seq, received_at)
            SELECT $1::text, $2::text, $3::bigint, $4::double precision
            WHERE $2::text IS NOT NULL AND $3::bigint IS NOT NULL
            ON CONFLICT DO NOTHING RETURNING 1
        ), run AS (
            INSERT INTO agent_run (agent, run_id, first_seen)
            SELECT $1::text, $2::text, $4::double precision
            WHERE $2::text IS NOT NULL AND ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM receipt))
            ON CONFLICT DO NOTHING RETURNING 1
        )
        UPDATE agent SET
            heartbeats = heartbeats + $5::double precision,
            tasks_succeeded = tasks_succeeded + $6::double precision,
            tasks_failed = tasks_failed + $7::double precision,
            cost_usd = cost_usd + $8::double precision,
            tokens = tokens + $9::double precision,
            errors = errors + $10::double precision,
            duration_bounds = coalesce($11::text, duration_bounds),
            duration_counts = CASE
                WHEN $11::text IS NULL THEN duration_counts
                WHEN duration_bounds IS DISTINCT FROM $11::text THEN $12::text
                ELSE (SELECT string_agg((coalesce(stored, 0) + coalesce(added, 0))::text, ',' ORDER BY position)
                    FROM unnest(string_to_array(nullif(duration_counts, ''), ',')::bigint[],
                        string_to_array($12::text, ',')::bigint[]) WITH ORDINALITY AS bucket(stored, added, position))
                END,
            duration_sum = CASE WHEN $11::text IS NOT NULL AND duration_bounds IS DISTINCT FROM $11::text
                THEN $13::double precision ELSE duration_sum + $13::double precision END,
            duration_count = CASE WHEN $11::text IS NOT NULL AND duration_bounds IS DISTINCT FROM $11::text
                THEN $14::bigint ELSE duration_count + $14::bigint END,
            restarts = restarts + CASE WHEN EXISTS (SELECT 1 FROM run)
                AND EXISTS (SELECT 1 FROM agent_run WHERE agent = $1::text AND run_id <> $2::text) THEN 1 ELSE 0 END
        WHERE name = $1::text AND ($2::text IS NULL OR $3::bigint IS NULL OR EXISTS (SELECT 1 FROM receipt))
        """

    /// Writes the rows of `records`, leaving counters to ``applyReceipts(_:_:)``, and the operator-set fields only of
    /// the agents in `controlled` (or new rows): a node that merely counted a beat does not undo another's kill.
    static func upsert(_ records: [AgentRecord], controlled: Set<String>, _ session: PostgresSession) throws {
        let operated = records.filter { controlled.contains($0.name) }
        let counted = records.filter { !controlled.contains($0.name) }
        try session.executeBatch(upsertAgentSQL(keeping: counterColumns), operated.map(valuesWithoutCounters))
        try session.executeBatch(
            upsertAgentSQL(keeping: counterColumns.union(operatorColumns)), counted.map(valuesWithoutCounters))
    }

    /// An upsert of an agent's row that leaves the columns in `kept` as they are on an existing row (a new row starts
    /// with the values given); either way the row takes the next change sequence value.
    static func upsertAgentSQL(keeping kept: Set<String>) -> String {
        let columns = AgentRow.columns
        let placeholders = columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        let updates = columns.dropFirst().filter { !kept.contains($0) }.map { "\($0) = EXCLUDED.\($0)" }
        return "INSERT INTO agent (\(columns.joined(separator: ", ")), change_seq) VALUES (\(placeholders), "
            + "nextval('fleet_change_seq')) ON CONFLICT (name) DO UPDATE SET \(updates.joined(separator: ", ")), "
            + "change_seq = EXCLUDED.change_seq"
    }

    /// The columns only receipts change (on an existing row).
    static let counterColumns: Set<String> = [
        "heartbeats", "restarts", "tasks_succeeded", "tasks_failed", "cost_usd", "tokens", "errors",
        "duration_bounds", "duration_counts", "duration_sum", "duration_count",
    ]

    /// The columns an operator sets (kill, stop, maintenance), written only by the node that carried out the action.
    static let operatorColumns: Set<String> = [
        "killed_at", "killed_by", "killed_reason", "stopped_at", "stopped_by", "stopped_reason",
        "maintenance_starts_at", "maintenance_until", "maintenance_reason", "maintenance_by",
    ]

    /// The row values of `record` for ``upsertAgentSQL(keeping:)``: counters and histogram at zero, for a new row.
    static func valuesWithoutCounters(_ record: AgentRecord) -> [(any DatabaseValueConvertible)?] {
        var record = record
        record.counters = AgentCounters()
        record.taskDurations = DurationHistogram(upperBounds: record.taskDurations.upperBounds)
        return AgentRow.values(for: record)
    }
}
