import AlertPipeline
import Alerting
import GRDB
import Model

extension SQLiteStorage: NoticeStorage {
    /// Writes `notices` and deletes those with the fingerprints `ended`, in one transaction.
    public func saveNotices(_ notices: [Alerting.Alert], deleting ended: [Fingerprint]) throws(StorageError) {
        guard !notices.isEmpty || !ended.isEmpty else { return }
        do {
            try database.write { db in
                for notice in notices {
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO notice (fingerprint, labels, annotations, starts_at, ends_at)
                            VALUES (?, ?, ?, ?, ?)
                            """,
                        arguments: StatementArguments(NoticeRow.parameters(notice)))
                }
                for fingerprint in ended {
                    try db.execute(
                        sql: "DELETE FROM notice WHERE fingerprint = ?", arguments: [fingerprint.description])
                }
            }
        } catch {
            throw StorageError(path: database.path, message: "saving notices failed: \(error)")
        }
    }

    /// Every stored notice.
    public func loadNotices() throws(StorageError) -> [Alerting.Alert] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM notice ORDER BY fingerprint").map(NoticeRow.alert)
            }
        } catch {
            throw StorageError(path: database.path, message: "reading notices failed: \(error)")
        }
    }
}

/// The rows of `notice` (schema v13), written and read the same way by SQLite and PostgreSQL: labels and annotations
/// as `[[name, value], …]`, times in milliseconds.
enum NoticeRow {
    static func parameters(_ notice: Alerting.Alert) -> [(any DatabaseValueConvertible)?] {
        [
            notice.fingerprint.description, AgentRow.encodeLabels(notice.labels),
            AgentRow.encodeLabels(notice.annotations), notice.startsAt.milliseconds, notice.endsAt?.milliseconds,
        ]
    }

    static func alert(_ row: Row) -> Alerting.Alert {
        let startsAt = Timestamp(storedMilliseconds: row["starts_at"])
        let endsAt: Int64? = row["ends_at"]
        let ended = endsAt.map(Timestamp.init(storedMilliseconds:))
        return Alerting.Alert(
            labels: AgentRow.decodeLabelSet(row["labels"]), annotations: AgentRow.decodeLabelSet(row["annotations"]),
            startsAt: startsAt, endsAt: ended, updatedAt: ended ?? startsAt)
    }
}
