import Foundation
import GRDB
import Model
import RuleManager
import Rules

extension PostgresStorage: AlertStateStorage {
    /// Replaces the stored alerts of one rule group with `alerts`, in one transaction.
    public func saveAlerts(file: String, group: String, _ alerts: [SavedAlert]) throws(StorageError) {
        try connection.transaction("saving alerts") { session in
            try session.execute("DELETE FROM alert WHERE file = $1 AND rule_group = $2", [file, group])
            for saved in alerts {
                let alert = saved.alert
                try session.execute(
                    """
                    INSERT INTO alert (file, rule_group, rule, labels, annotations, state, active_at, fired_at,
                                       resolved_at, last_sent_at, valid_until, keep_firing_since, value)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                    """,
                    [
                        saved.file, saved.group, saved.rule, AgentRow.encodeLabels(alert.labels),
                        AgentRow.encodeLabels(alert.annotations), alert.state.rawValue, alert.activeAt.milliseconds,
                        alert.firedAt?.milliseconds, alert.resolvedAt?.milliseconds, alert.lastSentAt?.milliseconds,
                        alert.validUntil?.milliseconds, alert.keepFiringSince?.milliseconds,
                        alert.value.isNaN ? nil : alert.value,
                    ])
            }
        }
    }

    /// Every stored alert, in the order they were saved.
    public func loadAlerts() throws(StorageError) -> [SavedAlert] {
        try connection.session("reading alerts") { session in
            try session.execute("SELECT * FROM alert ORDER BY id").map { AlertRow.alert(NamedRow($0)) }
        }
    }
}

extension PostgresStorage: RuleHistoryStorage {
    /// Replaces the stored checkpoint, in one transaction (the old one stays if it fails).
    public func saveRuleHistory(_ checkpoint: [UInt8]) throws(StorageError) {
        try connection.transaction("saving the rule history") { session in
            try session.execute(
                """
                INSERT INTO rule_history (id, checkpoint) VALUES (1, $1)
                ON CONFLICT (id) DO UPDATE SET checkpoint = EXCLUDED.checkpoint
                """, [Data(checkpoint)])
        }
    }

    /// The stored checkpoint, nil when none was saved.
    public func loadRuleHistory() throws(StorageError) -> [UInt8]? {
        try connection.session("reading the rule history") { session in
            try session.execute("SELECT checkpoint FROM rule_history WHERE id = 1").first.map { row in
                [UInt8](row["checkpoint"] as Data)
            }
        }
    }
}
