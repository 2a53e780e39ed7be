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

    /// Adds the deltas of the receipts the database has not counted yet to their agents' counters and histograms, and
    /// forgets receipts older than ``receiptRetention``. A few statements per batch, whatever its size: the receipts
    /// go in as arrays and the new ones come back, their runs likewise, then one update per agent adds them up.
    static func applyReceipts(_ receipts: [BeatReceipt], _ session: PostgresSession) throws {
        guard let newest = receipts.map(\.at).max() else { return }
        let fresh = try insertNewReceipts(receipts.filter(\.isIdentified), session)
        let counted = receipts.filter { receipt in
            guard receipt.isIdentified, let runID = receipt.runID, let seq = receipt.seq else { return true }
            return fresh.contains(ReceiptKey(agent: receipt.agent, runID: runID, seq: Int64(bitPattern: seq)))
        }
        let restarts = try countRestarts(of: counted, session)
        try session.executeBatch(addDeltasSQL, AgentDeltas.adding(counted, restarts: restarts).map(\.values))
        try session.execute(
            "DELETE FROM heartbeat_receipt WHERE received_at < $1", [(newest - receiptRetention).seconds])
    }

    /// A beat as the database recognises it.
    struct ReceiptKey: Hashable {
        var agent: String
        var runID: String
        var seq: Int64
    }

    /// How many receipts one statement carries.
    static let receiptsPerStatement = 5_000

    /// Inserts the receipts of identified beats; returns those that were new (the others were counted already, by
    /// this node or another).
    private static func insertNewReceipts(
        _ identified: [BeatReceipt], _ session: PostgresSession
    ) throws -> Set<ReceiptKey> {
        var fresh = Set<ReceiptKey>()
        var start = identified.startIndex
        while start < identified.endIndex {
            let chunk = identified[start..<min(start + receiptsPerStatement, identified.endIndex)]
            start = chunk.endIndex
            let rows = try session.execute(
                """
                INSERT INTO heartbeat_receipt (agent, run_id, seq, received_at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::double precision[])
                ON CONFLICT DO NOTHING RETURNING agent, run_id, seq
                """,
                [
                    PostgresArray.text(chunk.map(\.agent)), PostgresArray.text(chunk.map(\.runID)),
                    PostgresArray.numbers(chunk.map { $0.seq.map { String(Int64(bitPattern: $0)) } }),
                    PostgresArray.numbers(chunk.map { PostgresParameter.text($0.at.seconds) }),
                ])
            for row in rows {
                fresh.insert(ReceiptKey(agent: row["agent"], runID: row["run_id"], seq: row["seq"]))
            }
        }
        return fresh
    }

    /// The restarts the counted beats make, by agent: each run new to the database counts one, except an agent's
    /// first run ever.
    private static func countRestarts(of counted: [BeatReceipt], _ session: PostgresSession) throws -> [String: Int] {
        var runs: [ReceiptRun: Timestamp] = [:]
        for receipt in counted {
            guard let runID = receipt.runID else { continue }
            let run = ReceiptRun(agent: receipt.agent, runID: runID)
            runs[run] = min(runs[run] ?? receipt.at, receipt.at)
        }
        guard !runs.isEmpty else { return [:] }
        let agents = Array(Set(runs.keys.map(\.agent)))
        let hadRuns = try session.execute(
            "SELECT DISTINCT agent FROM agent_run WHERE agent = ANY($1::text[])", [PostgresArray.text(agents)]
        ).map { $0["agent"] as String }
        let ordered = runs.sorted { ($0.key.agent, $0.key.runID) < ($1.key.agent, $1.key.runID) }
        let inserted = try session.execute(
            """
            INSERT INTO agent_run (agent, run_id, first_seen)
            SELECT * FROM unnest($1::text[], $2::text[], $3::double precision[])
            ON CONFLICT DO NOTHING RETURNING agent
            """,
            [
                PostgresArray.text(ordered.map(\.key.agent)), PostgresArray.text(ordered.map(\.key.runID)),
                PostgresArray.numbers(ordered.map { PostgresParameter.text($0.value.seconds) }),
            ])
        var restarts = Dictionary(Set(hadRuns).map { ($0, 0) }, uniquingKeysWith: { first, _ in first })
        for row in inserted {
            let agent: String = row["agent"]
            // An agent's first run ever is no restart.
            if let count = restarts[agent] { restarts[agent] = count + 1 } else { restarts[agent] = 0 }
        }
        return restarts.filter { $0.value > 0 }
    }

    private struct ReceiptRun: Hashable {
        var agent: String
        var runID: String
    }

    /// One agent's counted beats of a batch, added up: what ``addDeltasSQL`` adds to its row.
    struct AgentDeltas {
        var agent: String
        var counters = AgentCounters()
        var durations: DurationHistogram?

        /// The counted receipts added up per agent, with the restarts the database counted.
        static func adding(_ counted: [BeatReceipt], restarts: [String: Int]) -> [AgentDeltas] {
            var byAgent: [String: AgentDeltas] = [:]
            for receipt in counted {
                var deltas = byAgent[receipt.agent] ?? AgentDeltas(agent: receipt.agent)
                deltas.counters = deltas.counters.adding(receipt.deltas)
                if let added = receipt.durations {
                    if deltas.durations == nil {
                        deltas.durations = added
                    } else {
                        deltas.durations?.add(added)
                    }
                }
                byAgent[receipt.agent] = deltas
            }
            return byAgent.values.sorted { $0.agent < $1.agent }.map { deltas in
                var deltas = deltas
                deltas.counters.restarts = Double(restarts[deltas.agent] ?? 0)
                return deltas
            }
        }

        /// The parameters of ``addDeltasSQL``.
        var values: [(any DatabaseValueConvertible)?] {
            [
                agent, counters.heartbeats, counters.tasksSucceeded, counters.tasksFailed, counters.costUSD,
                counters.tokens, counters.errors, counters.restarts,
                durations.map { AgentRow.joined($0.upperBounds) }, durations.map { AgentRow.joined($0.bucketCounts) },
                durations?.sum ?? 0, Int64(durations?.count ?? 0),
            ]
        }
    }

    /// Adds one agent's counted deltas to its row. The histogram's buckets are added one by one; a histogram stored
    /// with other bounds (another node's configuration, or one before a reload) starts afresh, as in memory.
    static let addDeltasSQL = """
        UPDATE agent SET
            heartbeats = heartbeats + $2::double precision,
            tasks_succeeded = tasks_succeeded + $3::double precision,
            tasks_failed = tasks_failed + $4::double precision,
            cost_usd = cost_usd + $5::double precision,
            tokens = tokens + $6::double precision,
            errors = errors + $7::double precision,
            restarts = restarts + $8::double precision,
            duration_bounds = coalesce($9::text, duration_bounds),
            duration_counts = CASE
                WHEN $9::text IS NULL THEN duration_counts
                WHEN duration_bounds IS DISTINCT FROM $9::text THEN $10::text
                ELSE (SELECT string_agg((coalesce(stored, 0) + coalesce(added, 0))::text, ',' ORDER BY position)
                    FROM unnest(string_to_array(nullif(duration_counts, ''), ',')::bigint[],
                        string_to_array($10::text, ',')::bigint[]) WITH ORDINALITY AS bucket(stored, added, position))
                END,
            duration_sum = CASE WHEN $9::text IS NOT NULL AND duration_bounds IS DISTINCT FROM $9::text
                THEN $11::double precision ELSE duration_sum + $11::double precision END,
            duration_count = CASE WHEN $9::text IS NOT NULL AND duration_bounds IS DISTINCT FROM $9::text
                THEN $12::bigint ELSE duration_count + $12::bigint END
        WHERE name = $1::text
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
        let updates = columns.dropFirst().filter { !kept.contains($0) }.map { column in
            latestOfColumns.contains(column)
                ? "\(column) = GREATEST(agent.\(column), EXCLUDED.\(column))" : "\(column) = EXCLUDED.\(column)"
        }
        return "INSERT INTO agent (\(columns.joined(separator: ", ")), change_seq) VALUES (\(placeholders), "
            + "nextval('fleet_change_seq')) ON CONFLICT (name) DO UPDATE SET \(updates.joined(separator: ", ")), "
            + "change_seq = EXCLUDED.change_seq"
    }

    /// The times that only move forward, whichever node writes last: a task's last success and failure may have been
    /// reported to one node while another wrote a newer beat without them.
    static let latestOfColumns: Set<String> = ["last_success_at", "last_failure_at"]

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
