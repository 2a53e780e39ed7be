import AlertPipeline
import Alerting
import GRDB
import Model

extension PostgresStorage: SilenceStorage {
    /// Writes `silences` (new or changed) in one transaction; called before a silence write is acknowledged.
    public func saveSilences(_ silences: [Silence]) throws(StorageError) {
        guard !silences.isEmpty else { return }
        try connection.transaction("saving silences") { session in
            for silence in silences {
                try session.execute(
                    """
                    INSERT INTO silence (id, matchers, starts_at, ends_at, updated_at, created_by, comment)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (id) DO UPDATE SET matchers = EXCLUDED.matchers, starts_at = EXCLUDED.starts_at,
                        ends_at = EXCLUDED.ends_at, updated_at = EXCLUDED.updated_at,
                        created_by = EXCLUDED.created_by, comment = EXCLUDED.comment
                    """,
                    [
                        silence.id, SilenceRow.encodeMatchers(silence.matchers), silence.startsAt.seconds,
                        silence.endsAt.seconds, silence.updatedAt.seconds, silence.createdBy, silence.comment,
                    ])
            }
        }
    }

    /// Deletes the silences with these IDs (expired past their retention).
    public func deleteSilences(ids: [String]) throws(StorageError) {
        guard !ids.isEmpty else { return }
        try connection.transaction("deleting silences") { session in
            for id in ids { try session.execute("DELETE FROM silence WHERE id = $1", [id]) }
        }
    }

    /// Every stored silence.
    /// - Throws: ``StorageError`` when the table cannot be read or a stored matcher no longer parses (a silence
    ///   is never loaded with fewer matchers than it was created with, which would widen it).
    public func loadSilences() throws(StorageError) -> [Silence] {
        let rows = try connection.session("reading silences") { session in
            try session.execute("SELECT * FROM silence ORDER BY id")
        }
        var silences: [Silence] = []
        for row in rows {
            let id: String = row["id"]
            guard let matchers = SilenceRow.decodeMatchers(row["matchers"]) else {
                throw StorageError(path: location, message: "silence \(id): stored matchers do not parse")
            }
            silences.append(
                Silence(
                    id: id, matchers: matchers, startsAt: Timestamp(storedSeconds: row["starts_at"]),
                    endsAt: Timestamp(storedSeconds: row["ends_at"]),
                    updatedAt: Timestamp(storedSeconds: row["updated_at"]), createdBy: row["created_by"],
                    comment: row["comment"]))
        }
        return silences
    }
}

extension PostgresStorage: NotificationLogStorage {
    /// Writes notification log entries (replacing the previous entry of the same integration and group) and
    /// deletes `expired` ones, in one transaction.
    public func saveNotificationLog(_ entries: [NotificationLogEntry], deleting expired: [NotificationLogEntry])
        throws(StorageError)
    {
        guard !entries.isEmpty || !expired.isEmpty else { return }
        try connection.transaction("saving the notification log") { session in
            for entry in entries {
                try session.execute(
                    """
                    INSERT INTO notification_log
                        (receiver, integration, integration_index, group_key, sent_at, firing, resolved, expires_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    ON CONFLICT (receiver, integration, integration_index, group_key) DO UPDATE SET
                        sent_at = EXCLUDED.sent_at, firing = EXCLUDED.firing, resolved = EXCLUDED.resolved,
                        expires_at = EXCLUDED.expires_at
                    """,
                    Self.key(of: entry) + [
                        entry.timestamp.seconds, Self.encode(entry.firingAlerts), Self.encode(entry.resolvedAlerts),
                        entry.expiresAt.seconds,
                    ])
            }
            for entry in expired {
                try session.execute(
                    """
                    DELETE FROM notification_log
                    WHERE receiver = $1 AND integration = $2 AND integration_index = $3 AND group_key = $4
                    """, Self.key(of: entry))
            }
        }
    }

    /// Every stored notification log entry.
    public func loadNotificationLog() throws(StorageError) -> [NotificationLogEntry] {
        try connection.session("reading the notification log") { session in
            try session.execute("SELECT * FROM notification_log").map(NotificationLogRow.entry)
        }
    }

    private static func key(of entry: NotificationLogEntry) -> [(any DatabaseValueConvertible)?] {
        [entry.integration.receiver, entry.integration.integration, entry.integration.index, entry.groupKey]
    }

    /// Fingerprints as comma-separated hex, as SQLite keeps them (``NotificationLogRow`` reads both).
    private static func encode(_ fingerprints: Set<Fingerprint>) -> String {
        fingerprints.sorted().map(\.description).joined(separator: ",")
    }
}
