import Model
import AlertPipeline
import Alerting
import GRDB
import JSON
import Model

extension SQLiteStorage: SilenceStorage {
    /// Writes `silences` (new or changed) in one transaction; called before a silence write is acknowledged.
    public func saveSilences(_ silences: [Silence]) throws(StorageError) {
        guard !silences.isEmpty else { return }
        do {
            try database.write { db in
                let upsert = try db.cachedStatement(sql: SilenceRow.upsertSQL)
                for silence in silences { try upsert.execute(arguments: SilenceRow.arguments(for: silence)) }
            }
        } catch {
            throw StorageError(path: database.path, message: "saving silences failed: \(error)")
        }
    }

    /// Deletes the silences with these IDs (expired past their retention).
    public func deleteSilences(ids: [String]) throws(StorageError) {
        guard !ids.isEmpty else { return }
        do {
            try database.write { db in
                for id in ids { try db.execute(sql: "DELETE FROM silence WHERE id = ?", arguments: [id]) }
            }
        } catch {
            throw StorageError(path: database.path, message: "deleting silences failed: \(error)")
        }
    }

    /// Every stored silence.
    /// - Throws: ``StorageError`` when the table cannot be read or a stored matcher no longer parses (a silence
    ///   is never loaded with fewer matchers than it was created with, which would widen it).
    public func loadSilences() throws(StorageError) -> [Silence] {
        let rows: [Row]
        do {
            rows = try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM silence ORDER BY id") }
        } catch {
            throw StorageError(path: database.path, message: "reading silences failed: \(error)")
        }
        var silences: [Silence] = []
        for row in rows {
            let id: String = row["id"]
            guard let matchers = SilenceRow.decodeMatchers(row["matchers"]) else {
                throw StorageError(path: database.path, message: "silence \(id): stored matchers do not parse")
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

/// Maps a ``Silence`` to a row of the `silence` table; matchers are a JSON array of `[name, op, value]`.
enum SilenceRow {
    static let upsertSQL = """
        INSERT OR REPLACE INTO silence (id, matchers, starts_at, ends_at, updated_at, created_by, comment)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """

    static func arguments(for silence: Silence) -> StatementArguments {
        [
            silence.id, encodeMatchers(silence.matchers), silence.startsAt.seconds, silence.endsAt.seconds,
            silence.updatedAt.seconds,
            silence.createdBy, silence.comment,
        ]
    }

    static func encodeMatchers(_ matchers: [LabelMatcher]) -> String {
        var writer = JSONWriter()
        writer.beginArray()
        for matcher in matchers {
            writer.beginArray()
            writer.string(matcher.name)
            writer.string(matcher.type.rawValue)
            writer.string(matcher.value)
            writer.endArray()
        }
        writer.endArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The matchers, or nil when any of them does not decode.
    static func decodeMatchers(_ text: String?) -> [LabelMatcher]? {
        guard let text, case .array(let items)? = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        var matchers: [LabelMatcher] = []
        for item in items {
            guard case .array(let parts) = item, parts.count == 3, case .string(let name) = parts[0],
                case .string(let symbol) = parts[1], case .string(let value) = parts[2],
                let type = LabelMatcher.MatchType(rawValue: symbol),
                let matcher = try? LabelMatcher(type, name, value)
            else { return nil }
            matchers.append(matcher)
        }
        return matchers
    }
}
