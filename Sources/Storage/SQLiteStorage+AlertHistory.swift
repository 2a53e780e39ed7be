import AlertPipeline
import Alerting
import GRDB
import Model

extension SQLiteStorage: AlertHistoryStorage {
    /// Writes episodes (inserted or replaced by ID) and attempts in one transaction.
    public func saveAlertHistory(episodes: [AlertEpisode], attempts: [NotificationAttempt]) throws(StorageError) {
        guard !episodes.isEmpty || !attempts.isEmpty else { return }
        let episodeSQL = Self.insert("alert_episode", AlertHistoryRow.episodeColumns, count: 18)
        let attemptSQL = Self.insert("notification_attempt", AlertHistoryRow.attemptColumns, count: 11)
        do {
            try database.write { db in
                for episode in episodes {
                    try db.execute(
                        sql: episodeSQL, arguments: StatementArguments(AlertHistoryRow.parameters(episode)))
                }
                for attempt in attempts {
                    try db.execute(
                        sql: attemptSQL, arguments: StatementArguments(AlertHistoryRow.parameters(attempt)))
                }
            }
        } catch {
            throw StorageError(path: database.path, message: "saving the alert history failed: \(error)")
        }
    }

    private static func insert(_ table: String, _ columns: String, count: Int) -> String {
        "INSERT OR REPLACE INTO \(table) (\(columns)) VALUES ("
            + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }

    /// Deletes the episodes resolved before `cutoff` and the attempts made before it.
    public func deleteAlertHistory(before cutoff: Timestamp) throws(StorageError) {
        do {
            try database.write { db in
                try db.execute(
                    sql: "DELETE FROM alert_episode WHERE resolved_at < ?", arguments: [cutoff.milliseconds])
                try db.execute(sql: "DELETE FROM notification_attempt WHERE at < ?", arguments: [cutoff.milliseconds])
            }
        } catch {
            throw StorageError(path: database.path, message: "deleting old alert history failed: \(error)")
        }
    }

    /// The episodes not resolved.
    public func loadOpenEpisodes() throws(StorageError) -> [AlertEpisode] {
        try readHistory("reading open alert episodes") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert_episode WHERE resolved_at IS NULL ORDER BY id")
        }.decoded(AlertHistoryRow.episode)
    }

    /// A page of episodes, newest first.
    public func alertEpisodes(in range: HistoryRange, before cursor: HistoryCursor?, limit: Int)
        throws(StorageError) -> [AlertEpisode]
    {
        let (conditions, values) = AlertHistoryRow.episodeConditions(range, before: cursor) { _ in "?" }
        return try readHistory("reading alert episodes") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM alert_episode \(conditions) ORDER BY started_at DESC, id DESC LIMIT \(limit)",
                arguments: StatementArguments(values))
        }.decoded(AlertHistoryRow.episode)
    }

    /// A page of notification attempts, newest first.
    public func notificationAttempts(in range: HistoryRange, before cursor: HistoryCursor?, limit: Int)
        throws(StorageError) -> [NotificationAttempt]
    {
        let (conditions, values) = AlertHistoryRow.attemptConditions(range, before: cursor) { _ in "?" }
        return try readHistory("reading notification attempts") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM notification_attempt \(conditions) ORDER BY at DESC, id DESC LIMIT \(limit)",
                arguments: StatementArguments(values))
        }.map(AlertHistoryRow.attempt)
    }

    private func readHistory(_ what: String, _ read: (Database) throws -> [Row]) throws(StorageError) -> [Row] {
        do {
            return try database.read(read)
        } catch {
            throw StorageError(path: database.path, message: "\(what) failed: \(error)")
        }
    }
}
