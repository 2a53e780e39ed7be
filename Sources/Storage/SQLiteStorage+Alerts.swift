import GRDB
import Model
import RuleManager
import Rules

extension SQLiteStorage: AlertStateStorage {
    /// Replaces the stored alerts of one rule group with `alerts`, in one transaction.
    public func saveAlerts(file: String, group: String, _ alerts: [SavedAlert]) throws(StorageError) {
        do {
            try database.write { db in
                try db.execute(sql: "DELETE FROM alert WHERE file = ? AND rule_group = ?", arguments: [file, group])
                let insert = try db.cachedStatement(sql: AlertRow.insertSQL)
                for alert in alerts { try insert.execute(arguments: AlertRow.arguments(for: alert)) }
            }
        } catch {
            throw StorageError(path: database.path, message: "saving alerts failed: \(error)")
        }
    }

    /// Every stored alert.
    public func loadAlerts() throws(StorageError) -> [SavedAlert] {
        do {
            return try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM alert ORDER BY id") }
                .decoded(AlertRow.alert)
        } catch {
            throw StorageError(path: database.path, message: "reading alerts failed: \(error)")
        }
    }
}

/// Maps a ``SavedAlert`` to a row of the `alert` table and back; the state is stored as its name.
enum AlertRow {
    static let insertSQL = """
        INSERT INTO alert (file, rule_group, rule, labels, annotations, state, active_at, fired_at, resolved_at,
                           last_sent_at, valid_until, keep_firing_since, value)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func arguments(for saved: SavedAlert) -> StatementArguments {
        let alert = saved.alert
        let values: [(any DatabaseValueConvertible)?] = [
            saved.file, saved.group, saved.rule, AgentRow.encodeLabels(alert.labels),
            AgentRow.encodeLabels(alert.annotations), alert.state.rawValue, alert.activeAt.milliseconds,
            alert.firedAt?.milliseconds, alert.resolvedAt?.milliseconds, alert.lastSentAt?.milliseconds,
            alert.validUntil?.milliseconds, alert.keepFiringSince?.milliseconds, alert.value,
        ]
        return StatementArguments(values)
    }

    static func alert(_ row: NamedRow) -> SavedAlert {
        let state: String = row["state"]
        let alert = Alert(
            labels: AgentRow.decodeLabelSet(row["labels"]), annotations: AgentRow.decodeLabelSet(row["annotations"]),
            state: AlertState(rawValue: state) ?? .pending, activeAt: Timestamp(storedMilliseconds: row["active_at"]),
            firedAt: time(row, "fired_at"), resolvedAt: time(row, "resolved_at"), lastSentAt: time(row, "last_sent_at"),
            validUntil: time(row, "valid_until"), keepFiringSince: time(row, "keep_firing_since"),
            value: row["value"] ?? .nan)
        return SavedAlert(file: row["file"], group: row["rule_group"], rule: row["rule"], alert: alert)
    }

    private static func time(_ row: NamedRow, _ column: String) -> Timestamp? {
        (row[column] as Int64?).map(Timestamp.init(storedMilliseconds:))
    }
}
