import AlertPipeline
import Alerting
import GRDB
import Model

extension PostgresStorage: NoticeStorage {
    /// Writes `notices` and deletes those with the fingerprints `ended`, in one transaction; notifies the cluster's
    /// nodes (`NOTIFY heartbeat_exporter, 'notices'`) when it wrote some.
    public func saveNotices(_ notices: [Alerting.Alert], deleting ended: [Fingerprint]) throws(StorageError) {
        guard !notices.isEmpty || !ended.isEmpty else { return }
        try connection.transaction("saving notices") { session in
            for notice in notices {
                try session.execute(
                    """
                    INSERT INTO notice (fingerprint, labels, annotations, starts_at, ends_at)
                    VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (fingerprint) DO UPDATE SET labels = EXCLUDED.labels,
                        annotations = EXCLUDED.annotations, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at
                    """,
                    NoticeRow.parameters(notice))
            }
            for fingerprint in ended {
                try session.execute("DELETE FROM notice WHERE fingerprint = $1", [fingerprint.description])
            }
            // Delivered at the commit: the leader takes in notices announced on another node (issue 20).
            if !notices.isEmpty { try session.execute("SELECT pg_notify('heartbeat_exporter', 'notices')") }
        }
    }

    /// Every stored notice.
    public func loadNotices() throws(StorageError) -> [Alerting.Alert] {
        let rows = try connection.session("reading notices") { session in
            try session.execute("SELECT * FROM notice ORDER BY fingerprint")
        }
        return rows.map(NoticeRow.alert)
    }
}
