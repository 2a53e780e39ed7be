import AlertPipeline
import Alerting
import GRDB
import Model

extension PostgresStorage: AcknowledgementStorage {
    /// Writes `acknowledgements` and deletes those with the IDs `ended`, in one transaction.
    public func saveAcknowledgements(_ acknowledgements: [Acknowledgement], deleting ended: [String])
        throws(StorageError)
    {
        guard !acknowledgements.isEmpty || !ended.isEmpty else { return }
        try connection.transaction("saving acknowledgements") { session in
            for acknowledgement in acknowledgements {
                try session.execute(
                    """
                    INSERT INTO acknowledgement (id, matchers, created_by, comment, created_at, ends_at, alerts)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (id) DO UPDATE SET matchers = EXCLUDED.matchers, created_by = EXCLUDED.created_by,
                        comment = EXCLUDED.comment, created_at = EXCLUDED.created_at, ends_at = EXCLUDED.ends_at,
                        alerts = EXCLUDED.alerts
                    """,
                    [
                        acknowledgement.id, SilenceRow.encodeMatchers(acknowledgement.matchers),
                        acknowledgement.createdBy, acknowledgement.comment, acknowledgement.createdAt.milliseconds,
                        acknowledgement.endsAt?.milliseconds, SQLiteStorage.encodeCovered(acknowledgement.alerts),
                    ])
            }
            for id in ended { try session.execute("DELETE FROM acknowledgement WHERE id = $1", [id]) }
        }
    }

    /// Every stored acknowledgement.
    public func loadAcknowledgements() throws(StorageError) -> [Acknowledgement] {
        let rows = try connection.session("reading acknowledgements") { session in
            try session.execute("SELECT * FROM acknowledgement ORDER BY id")
        }
        var acknowledgements: [Acknowledgement] = []
        for row in rows {
            let id: String = row["id"]
            guard let matchers = SilenceRow.decodeMatchers(row["matchers"]),
                let alerts = SQLiteStorage.decodeCovered(row["alerts"])
            else {
                throw StorageError(path: location, message: "acknowledgement \(id): stored matchers do not parse")
            }
            let endsAt: Int64? = row["ends_at"]
            acknowledgements.append(
                Acknowledgement(
                    id: id, matchers: matchers, createdBy: row["created_by"], comment: row["comment"],
                    createdAt: Timestamp(storedMilliseconds: row["created_at"]),
                    endsAt: endsAt.map(Timestamp.init(storedMilliseconds:)), alerts: alerts))
        }
        return acknowledgements
    }
}
