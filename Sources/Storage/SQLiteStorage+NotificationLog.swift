import AlertPipeline
import Alerting
import GRDB
import Model

extension SQLiteStorage: NotificationLogStorage {
    /// Writes notification log entries (replacing the previous entry of the same integration and group) and
    /// deletes `expired` ones, in one transaction.
    public func saveNotificationLog(_ entries: [NotificationLogEntry], deleting expired: [NotificationLogEntry])
        throws(StorageError)
    {
        guard !entries.isEmpty || !expired.isEmpty else { return }
        do {
            try database.write { db in
                let upsert = try db.cachedStatement(sql: NotificationLogRow.upsertSQL)
                for entry in entries { try upsert.execute(arguments: NotificationLogRow.arguments(for: entry)) }
                let delete = try db.cachedStatement(sql: NotificationLogRow.deleteSQL)
                for entry in expired { try delete.execute(arguments: NotificationLogRow.key(of: entry)) }
            }
        } catch {
            throw StorageError(path: database.path, message: "saving the notification log failed: \(error)")
        }
    }

    /// Every stored notification log entry.
    public func loadNotificationLog() throws(StorageError) -> [NotificationLogEntry] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM notification_log").map(NotificationLogRow.entry)
            }
        } catch {
            throw StorageError(path: database.path, message: "reading the notification log failed: \(error)")
        }
    }
}

/// Maps a ``NotificationLogEntry`` to a row of `notification_log`; fingerprints as comma-separated hex.
enum NotificationLogRow {
    static let upsertSQL = """
        INSERT OR REPLACE INTO notification_log
            (receiver, integration, integration_index, group_key, sent_at, firing, resolved, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let deleteSQL = """
        DELETE FROM notification_log
        WHERE receiver = ? AND integration = ? AND integration_index = ? AND group_key = ?
        """

    static func key(of entry: NotificationLogEntry) -> StatementArguments {
        [entry.integration.receiver, entry.integration.integration, entry.integration.index, entry.groupKey]
    }

    static func arguments(for entry: NotificationLogEntry) -> StatementArguments {
        key(of: entry) + [
            entry.timestamp.seconds, encode(entry.firingAlerts), encode(entry.resolvedAlerts),
            entry.expiresAt.seconds,
        ]
    }

    static func entry(_ row: Row) -> NotificationLogEntry {
        NotificationLogEntry(
            integration: IntegrationKey(
                receiver: row["receiver"], integration: row["integration"],
                index: row["integration_index"]),
            groupKey: row["group_key"], timestamp: Timestamp(storedSeconds: row["sent_at"]),
            firingAlerts: decode(row["firing"]),
            resolvedAlerts: decode(row["resolved"]), expiresAt: Timestamp(storedSeconds: row["expires_at"]))
    }

    private static func encode(_ fingerprints: Set<Fingerprint>) -> String {
        fingerprints.sorted().map(\.description).joined(separator: ",")
    }

    private static func decode(_ text: String?) -> Set<Fingerprint> {
        guard let text, !text.isEmpty else { return [] }
        return Set(text.split(separator: ",").compactMap { Fingerprint(hex: String($0)) })
    }
}
