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

/// Where the alert pipeline keeps acknowledgements across restarts. Writes are committed before the API
/// answers.
public protocol AcknowledgementStorage: Sendable {
    /// Inserts or replaces `acknowledgements` and deletes those with the IDs `ended`, in one transaction.
    /// - Throws: ``StorageError`` when the write fails; nothing is then written.
    func saveAcknowledgements(_ acknowledgements: [Acknowledgement], deleting ended: [String]) throws(StorageError)

    /// Every saved acknowledgement.
    /// - Throws: ``StorageError`` when they cannot be read or a stored matcher no longer parses.
    func loadAcknowledgements() throws(StorageError) -> [Acknowledgement]
}

/// Where the alert pipeline keeps its notices (``Notice``) until their resolution has gone out, so that a notice
/// notified firing before a restart is notified resolved after it.
public protocol NoticeStorage: Sendable {
    /// Inserts or replaces `notices` (by fingerprint) and deletes those with the fingerprints `ended`, in one
    /// transaction.
    /// - Throws: ``StorageError`` when the write fails; nothing is then written.
    func saveNotices(_ notices: [Alerting.Alert], deleting ended: [Fingerprint]) throws(StorageError)

    /// Every saved notice.
    /// - Throws: ``StorageError`` when they cannot be read.
    func loadNotices() throws(StorageError) -> [Alerting.Alert]
}
