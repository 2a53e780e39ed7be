import GRDB

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
    /// Times in milliseconds since the epoch.
    public var activeAt: Int64
    public var firedAt: Int64?
    public var resolvedAt: Int64?
    public var lastSentAt: Int64?
    public var validUntil: Int64?
    public var keepFiringSince: Int64?
    public var value: Double

    public init(file: String, group: String, rule: String, labels: [(name: String, value: String)],
                annotations: [(name: String, value: String)], state: String, activeAt: Int64, firedAt: Int64?,
                resolvedAt: Int64?, lastSentAt: Int64?, validUntil: Int64?, keepFiringSince: Int64?, value: Double) {
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
            AgentRow.encodeLabels(alert.annotations), alert.state, alert.activeAt, alert.firedAt, alert.resolvedAt,
            alert.lastSentAt, alert.validUntil, alert.keepFiringSince, alert.value,
        ]
        return StatementArguments(values)
    }

    static func alert(_ row: Row) -> StoredAlert {
        StoredAlert(
            file: row["file"], group: row["rule_group"], rule: row["rule"],
            labels: AgentRow.decodeLabels(row["labels"]), annotations: AgentRow.decodeLabels(row["annotations"]),
            state: row["state"], activeAt: row["active_at"], firedAt: row["fired_at"], resolvedAt: row["resolved_at"],
            lastSentAt: row["last_sent_at"], validUntil: row["valid_until"], keepFiringSince: row["keep_firing_since"],
            value: row["value"] ?? .nan)
    }
}
