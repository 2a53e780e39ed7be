import AlertPipeline
import Alerting
import GRDB
import Model

extension PostgresStorage: AlertHistoryStorage {
    /// Writes episodes (inserted or replaced by ID) and attempts in one transaction.
    public func saveAlertHistory(episodes: [AlertEpisode], attempts: [NotificationAttempt]) throws(StorageError) {
        guard !episodes.isEmpty || !attempts.isEmpty else { return }
        let episodeSQL = Self.upsert("alert_episode", AlertHistoryRow.episodeColumns)
        let attemptSQL = Self.upsert("notification_attempt", AlertHistoryRow.attemptColumns)
        try connection.transaction("saving the alert history") { session in
            for episode in episodes { try session.execute(episodeSQL, AlertHistoryRow.parameters(episode)) }
            for attempt in attempts { try session.execute(attemptSQL, AlertHistoryRow.parameters(attempt)) }
        }
    }

    /// `INSERT … ON CONFLICT (id) DO UPDATE` of every column but the ID.
    private static func upsert(_ table: String, _ columns: String) -> String {
        let names = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let placeholders = names.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        let updates = names.dropFirst().map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        return "INSERT INTO \(table) (\(columns)) VALUES (\(placeholders)) ON CONFLICT (id) DO UPDATE SET \(updates)"
    }

    /// Deletes the episodes resolved before `cutoff` and the attempts made before it.
    public func deleteAlertHistory(before cutoff: Timestamp) throws(StorageError) {
        try connection.transaction("deleting old alert history") { session in
            try session.execute("DELETE FROM alert_episode WHERE resolved_at < $1", [cutoff.milliseconds])
            try session.execute("DELETE FROM notification_attempt WHERE at < $1", [cutoff.milliseconds])
        }
    }

    /// The episodes not resolved.
    public func loadOpenEpisodes() throws(StorageError) -> [AlertEpisode] {
        try connection.session("reading open alert episodes") { session in
            try session.execute("SELECT * FROM alert_episode WHERE resolved_at IS NULL ORDER BY id")
        }.map { AlertHistoryRow.episode(NamedRow($0)) }
    }

    /// A page of episodes, newest first.
    public func alertEpisodes(in range: HistoryRange, before cursor: HistoryCursor?, limit: Int)
        throws(StorageError) -> [AlertEpisode]
    {
        let (conditions, values) = AlertHistoryRow.episodeConditions(range, before: cursor) { "$\($0)" }
        return try connection.session("reading alert episodes") { session in
            try session.execute(
                "SELECT * FROM alert_episode \(conditions) ORDER BY started_at DESC, id DESC LIMIT \(limit)", values)
        }.map { AlertHistoryRow.episode(NamedRow($0)) }
    }

    /// A page of notification attempts, newest first.
    public func notificationAttempts(in range: HistoryRange, before cursor: HistoryCursor?, limit: Int)
        throws(StorageError) -> [NotificationAttempt]
    {
        let (conditions, values) = AlertHistoryRow.attemptConditions(range, before: cursor) { "$\($0)" }
        return try connection.session("reading notification attempts") { session in
            try session.execute(
                "SELECT * FROM notification_attempt \(conditions) ORDER BY at DESC, id DESC LIMIT \(limit)", values)
        }.map(AlertHistoryRow.attempt)
    }
}
