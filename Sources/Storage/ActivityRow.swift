import Fleet
import GRDB
import Model

/// How an ``ActivityBucket`` is laid out in `agent_activity` (schema v12), the same in SQLite and PostgreSQL.
enum ActivityRow {
    static let columns = "agent, start, beats, succeeded, failed, cost, tokens, latency_p95, state"

    /// Inserts a bucket, or adds its counts to the stored one of the same agent and start (a bucket written in parts,
    /// see ``ActivityBucket/merged(with:)``); valid in SQLite and PostgreSQL. `placeholder` names parameter n (1…9).
    static func upsertSQL(_ placeholder: (Int) -> String) -> String {
        let values = (1...9).map(placeholder).joined(separator: ", ")
        let added = ["beats", "succeeded", "failed", "cost", "tokens"]
            .map { "\($0) = agent_activity.\($0) + excluded.\($0)" }.joined(separator: ", ")
        return """
            INSERT INTO agent_activity (\(columns)) VALUES (\(values)) ON CONFLICT (agent, start) DO UPDATE SET \(added),
            latency_p95 = CASE WHEN agent_activity.latency_p95 IS NULL OR excluded.latency_p95 > agent_activity.latency_p95
            THEN excluded.latency_p95 ELSE agent_activity.latency_p95 END, state = excluded.state
            """
    }

    /// The bucket's values, in ``columns``' order.
    static func values(_ bucket: ActivityBucket) -> [(any DatabaseValueConvertible)?] {
        [
            bucket.agent, bucket.start.milliseconds, Int64(bucket.beats), Int64(bucket.tasksSucceeded),
            Int64(bucket.tasksFailed), bucket.costUSD, bucket.tokens, bucket.latencyP95Seconds,
            bucket.state.rawValue,
        ]
    }

    /// The bucket a row holds; a state this version does not know reads as unreachable.
    static func bucket(_ row: Row) -> ActivityBucket {
        let state: String = row["state"]
        let beats: Int64 = row["beats"], succeeded: Int64 = row["succeeded"], failed: Int64 = row["failed"]
        return ActivityBucket(
            agent: row["agent"], start: Timestamp(milliseconds: row["start"]), beats: Int(beats),
            tasksSucceeded: Int(succeeded), tasksFailed: Int(failed), costUSD: row["cost"], tokens: row["tokens"],
            latencyP95Seconds: row["latency_p95"], state: HealthState(rawValue: state) ?? .unreachable)
    }
}
