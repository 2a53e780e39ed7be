import GRDB
import Model

/// One alert of an alerting rule as stored, so that `for` timers and firing alerts survive a restart
/// (what `ALERTS_FOR_STATE` does for Prometheus).
public struct StoredAlert: Sendable, Equatable {
    /// The rule's file, group and name: the alert is restored only into the same rule.
    public var file: String
    public var group: String
    public var rule: String
    public var labels: [(name: String, value: String)]
    public var annotations: [(name: String, value: String)]
    /// `pending` or `firing` (resolved alerts are kept too, with `resolvedAt`).
    public var state: String
    /// Times (stored as INTEGER milliseconds).
    public var activeAt: Timestamp
    public var firedAt: Timestamp?
    public var resolvedAt: Timestamp?
    public var lastSentAt: Timestamp?
    public var validUntil: Timestamp?
    public var keepFiringSince: Timestamp?
    public var value: Double

    public init(file: String, group: String, rule: String, labels: [(name: String, value: String)],
                annotations: [(name: String, value: String)], state: String, activeAt: Timestamp, firedAt: Timestamp?,
                resolvedAt: Timestamp?, lastSentAt: Timestamp?, validUntil: Timestamp?, keepFiringSince: Timestamp?,
                value: Double) {
        self.file = file
        self.group = group
        self.rule = rule
        self.labels = labels
        self.annotations = annotations
        self.state = state
        self.activeAt = activeAt
        self.firedAt = firedAt
        self.resolvedAt = resolvedAt
        self.lastSentAt = lastSentAt
        self.validUntil = validUntil
        self.keepFiringSince = keepFiringSince
        self.value = value
    }

    public static func == (lhs: StoredAlert, rhs: StoredAlert) -> Bool {
        lhs.file == rhs.file && lhs.group == rhs.group && lhs.rule == rhs.rule
            && lhs.labels.elementsEqual(rhs.labels, by: ==) && lhs.annotations.elementsEqual(rhs.annotations, by: ==)
            && lhs.state == rhs.state && lhs.activeAt == rhs.activeAt && lhs.firedAt == rhs.firedAt
            && lhs.resolvedAt == rhs.resolvedAt && lhs.lastSentAt == rhs.lastSentAt && lhs.validUntil == rhs.validUntil
            && lhs.keepFiringSince == rhs.keepFiringSince && lhs.value.bitPattern == rhs.value.bitPattern
    }
}

extension FleetStore {
    /// Replaces the stored alerts of one rule group with `alerts`, in one transaction.
    public func saveAlerts(file: String, group: String, _ alerts: [StoredAlert]) throws(StorageError) {
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
    public func loadAlerts() throws(StorageError) -> [StoredAlert] {
        do {
            return try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM alert ORDER BY id").map(AlertRow.alert) }
        } catch {
            throw StorageError(path: database.path, message: "reading alerts failed: \(error)")
        }
    }
}

/// Maps a ``StoredAlert`` to a row of the `alert` table and back.
enum AlertRow {
    static let insertSQL = """
        INSERT INTO alert (file, rule_group, rule, labels, annotations, state, active_at, fired_at, resolved_at,
                           last_sent_at, valid_until, keep_firing_since, value)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func arguments(for alert: StoredAlert) -> StatementArguments {
        let values: [(any DatabaseValueConvertible)?] = [
            alert.file, alert.group, alert.rule, AgentRow.encodeLabels(alert.labels),
            AgentRow.encodeLabels(alert.annotations), alert.state, alert.activeAt.milliseconds,
            alert.firedAt?.milliseconds, alert.resolvedAt?.milliseconds, alert.lastSentAt?.milliseconds,
            alert.validUntil?.milliseconds, alert.keepFiringSince?.milliseconds, alert.value,
        ]
        return StatementArguments(values)
    }

    static func alert(_ row: Row) -> StoredAlert {
        StoredAlert(
            file: row["file"], group: row["rule_group"], rule: row["rule"],
            labels: AgentRow.decodeLabels(row["labels"]), annotations: AgentRow.decodeLabels(row["annotations"]),
            state: row["state"], activeAt: Timestamp(storedMilliseconds: row["active_at"]),
            firedAt: time(row, "fired_at"), resolvedAt: time(row, "resolved_at"),
            lastSentAt: time(row, "last_sent_at"), validUntil: time(row, "valid_until"),
            keepFiringSince: time(row, "keep_firing_since"),
            value: row["value"] ?? .nan)
    }

    private static func time(_ row: Row, _ column: String) -> Timestamp? {
        (row[column] as Int64?).map(Timestamp.init(storedMilliseconds:))
    }
}
