import Alerting
import Model

/// Where the alert pipeline keeps silences across restarts. Writes are committed before the API
/// acknowledges them.
///
/// The pipeline defines what it needs; `Storage` implements it on SQLite, `TestSupport` in memory.
public protocol SilenceStorage: Sendable {
    /// Inserts or replaces `silences`, by ID, in one transaction.
    /// - Throws: ``StorageError`` when the write fails; nothing is then written.
    func saveSilences(_ silences: [Silence]) throws(StorageError)

    /// Deletes the silences with these IDs (expired ones past their retention).
    /// - Throws: ``StorageError`` when the write fails.
    func deleteSilences(ids: [String]) throws(StorageError)

    /// Every saved silence.
    /// - Throws: ``StorageError`` when the silences cannot be read or do not parse.
    func loadSilences() throws(StorageError) -> [Silence]
}

/// Where the alert pipeline keeps its notification log across restarts, so that nothing already notified is
/// sent again and nothing due is lost.
public protocol NotificationLogStorage: Sendable {
    /// Inserts or replaces `entries` and deletes `expired`, in one transaction.
    /// - Throws: ``StorageError`` when the write fails; nothing is then written.
    func saveNotificationLog(_ entries: [NotificationLogEntry], deleting expired: [NotificationLogEntry])
        throws(StorageError)

    /// Every saved entry.
    /// - Throws: ``StorageError`` when the log cannot be read.
    func loadNotificationLog() throws(StorageError) -> [NotificationLogEntry]
}
