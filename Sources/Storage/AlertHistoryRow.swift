import AlertPipeline
import Alerting
import GRDB
import Model

/// The rows of `alert_episode` and `notification_attempt` (schema v10; v13 adds the time muted by maintenance and by dependencies), written and read the same way by SQLite and
/// PostgreSQL: times in milliseconds, labels as `[[name, value], …]`, durations in milliseconds.
enum AlertHistoryRow {
    static let episodeColumns = """
        id, fingerprint, labels, started_at, fired_at, resolved_at, peak_value, phase, muting, accounted_until,
        pending_ms, firing_ms, silenced_ms, inhibited_ms, acknowledged_ms, killed_ms, maintenance_ms, dependency_ms
        """

    static let attemptColumns = """
        id, receiver, integration, group_key, group_labels, at, status, result, attempt, error, alert_count
        """

    static func parameters(_ episode: AlertEpisode) -> [(any DatabaseValueConvertible)?] {
        let times = episode.times
        return [
            episode.id, episode.fingerprint.description, AgentRow.encodeLabels(episode.labels),
            episode.startedAt.milliseconds, episode.firedAt?.milliseconds, episode.resolvedAt?.milliseconds,
            episode.peakValue, episode.phase.rawValue, episode.muting.rawValue, episode.accountedUntil.milliseconds,
            times.pending.milliseconds, times.firing.milliseconds, times.silenced.milliseconds,
            times.inhibited.milliseconds, times.acknowledged.milliseconds, times.killed.milliseconds,
            times.maintenance.milliseconds, times.dependency.milliseconds,
        ]
    }

    static func parameters(_ attempt: NotificationAttempt) -> [(any DatabaseValueConvertible)?] {
        [
            attempt.id, attempt.receiver, attempt.integration, attempt.groupKey,
            AgentRow.encodeLabels(attempt.groupLabels), attempt.at.milliseconds, attempt.status, attempt.result,
            attempt.attempt, attempt.error, attempt.alertCount,
        ]
    }

    static func episode(_ row: NamedRow) -> AlertEpisode {
        let fired: Int64? = row["fired_at"], resolved: Int64? = row["resolved_at"]
        var times = EpisodeTimes()
        times.pending = .milliseconds(row["pending_ms"])
        times.firing = .milliseconds(row["firing_ms"])
        times.silenced = .milliseconds(row["silenced_ms"])
        times.inhibited = .milliseconds(row["inhibited_ms"])
        times.acknowledged = .milliseconds(row["acknowledged_ms"])
        times.killed = .milliseconds(row["killed_ms"])
        times.maintenance = .milliseconds(row["maintenance_ms"])
        times.dependency = .milliseconds(row["dependency_ms"])
        let phase: String = row["phase"]
        var episode = AlertEpisode(
            labels: AgentRow.decodeLabelSet(row["labels"]), startedAt: Timestamp(storedMilliseconds: row["started_at"]),
            firedAt: fired.map(Timestamp.init(storedMilliseconds:)),
            resolvedAt: resolved.map(Timestamp.init(storedMilliseconds:)), peakValue: row["peak_value"],
            times: times, phase: EpisodePhase(rawValue: phase) ?? .firing,
            muting: EpisodeMuting(rawValue: row["muting"]),
            accountedUntil: Timestamp(storedMilliseconds: row["accounted_until"]))
        episode.id = row["id"]
        return episode
    }

    static func attempt(_ row: Row) -> NotificationAttempt {
        NotificationAttempt(
            id: row["id"], receiver: row["receiver"], integration: row["integration"], groupKey: row["group_key"],
            groupLabels: AgentRow.decodeLabelSet(row["group_labels"]), at: Timestamp(storedMilliseconds: row["at"]),
            status: row["status"], result: row["result"], attempt: row["attempt"], error: row["error"],
            alertCount: row["alert_count"])
    }

    /// The `WHERE` conditions of a page of episodes (open at some time in `range`, before `cursor`) and their
    /// values, with placeholders made by `placeholder` (1-based).
    static func episodeConditions(
        _ range: HistoryRange, before cursor: HistoryCursor?, placeholder: (Int) -> String
    ) -> (sql: String, values: [(any DatabaseValueConvertible)?]) {
        pageConditions(
            range, before: cursor, timeColumn: "started_at", placeholder: placeholder,
            since: { "(resolved_at IS NULL OR resolved_at >= \($0))" }, until: { "started_at <= \($0)" })
    }

    /// The `WHERE` conditions of a page of attempts (made in `range`, before `cursor`) and their values.
    static func attemptConditions(
        _ range: HistoryRange, before cursor: HistoryCursor?, placeholder: (Int) -> String
    ) -> (sql: String, values: [(any DatabaseValueConvertible)?]) {
        pageConditions(
            range, before: cursor, timeColumn: "at", placeholder: placeholder,
            since: { "at >= \($0)" }, until: { "at <= \($0)" })
    }

    /// The conditions of a page ordered by `timeColumn` and `id`, newest first: `since` and `until` make the
    /// range's conditions from a placeholder, the cursor keeps what comes after it.
    private static func pageConditions(
        _ range: HistoryRange, before cursor: HistoryCursor?, timeColumn: String, placeholder: (Int) -> String,
        since: (String) -> String, until: (String) -> String
    ) -> (sql: String, values: [(any DatabaseValueConvertible)?]) {
        var conditions: [String] = []
        var values: [(any DatabaseValueConvertible)?] = []
        if let start = range.since {
            values.append(start.milliseconds)
            conditions.append(since(placeholder(values.count)))
        }
        if let end = range.until {
            values.append(end.milliseconds)
            conditions.append(until(placeholder(values.count)))
        }
        if let cursor {
            values += [cursor.time.milliseconds, cursor.time.milliseconds, cursor.id]
            let (a, b, c) = (placeholder(values.count - 2), placeholder(values.count - 1), placeholder(values.count))
            conditions.append("(\(timeColumn) < \(a) OR (\(timeColumn) = \(b) AND id < \(c)))")
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), values)
    }
}
