import AlertPipeline
import Alerting
import GRDB
import JSON
import Model

extension SQLiteStorage: AcknowledgementStorage {
    /// Writes `acknowledgements` and deletes those with the IDs `ended`, in one transaction.
    public func saveAcknowledgements(_ acknowledgements: [Acknowledgement], deleting ended: [String])
        throws(StorageError)
    {
        guard !acknowledgements.isEmpty || !ended.isEmpty else { return }
        do {
            try database.write { db in
                for acknowledgement in acknowledgements {
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO acknowledgement
                                (id, matchers, created_by, comment, created_at, ends_at, alerts)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            acknowledgement.id, SilenceRow.encodeMatchers(acknowledgement.matchers),
                            acknowledgement.createdBy, acknowledgement.comment,
                            acknowledgement.createdAt.milliseconds, acknowledgement.endsAt?.milliseconds,
                            Self.encodeCovered(acknowledgement.alerts),
                        ])
                }
                for id in ended { try db.execute(sql: "DELETE FROM acknowledgement WHERE id = ?", arguments: [id]) }
            }
        } catch {
            throw StorageError(path: database.path, message: "saving acknowledgements failed: \(error)")
        }
    }

    /// Every stored acknowledgement.
    public func loadAcknowledgements() throws(StorageError) -> [Acknowledgement] {
        let rows: [Row]
        do {
            rows = try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM acknowledgement ORDER BY id") }
        } catch {
            throw StorageError(path: database.path, message: "reading acknowledgements failed: \(error)")
        }
        var acknowledgements: [Acknowledgement] = []
        for row in rows {
            let id: String = row["id"]
            guard let matchers = SilenceRow.decodeMatchers(row["matchers"]),
                let alerts = Self.decodeCovered(row["alerts"])
            else {
                throw StorageError(path: database.path, message: "acknowledgement \(id): stored matchers do not parse")
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

    /// `[["<fingerprint>", startsAt ms], …]`.
    static func encodeCovered(_ alerts: [Fingerprint: Timestamp]) -> String {
        var writer = JSONWriter()
        writer.beginArray()
        for (fingerprint, startsAt) in alerts.sorted(by: { $0.key < $1.key }) {
            writer.beginArray()
            writer.string(fingerprint.description)
            writer.number(Double(startsAt.milliseconds))
            writer.endArray()
        }
        writer.endArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static func decodeCovered(_ text: String?) -> [Fingerprint: Timestamp]? {
        guard let text, case .array(let items)? = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        var alerts: [Fingerprint: Timestamp] = [:]
        for item in items {
            guard case .array(let parts) = item, parts.count == 2, let hex = parts[0].stringValue,
                let fingerprint = Fingerprint(hex: hex), let milliseconds = parts[1].numberValue
            else { return nil }
            alerts[fingerprint] = Timestamp(milliseconds: Int64(milliseconds))
        }
        return alerts
    }
}
