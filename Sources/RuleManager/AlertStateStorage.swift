import Model
import Rules

/// One alert of an alerting rule as kept across restarts, with the rule it belongs to: what
/// `ALERTS_FOR_STATE` does for Prometheus, so that `for` timers and firing alerts survive a restart.
public struct SavedAlert: Sendable, Equatable {
    /// The rule file the alert's group was loaded from.
    public var file: String
    /// The rule group's name.
    public var group: String
    /// The alerting rule's name.
    public var rule: String
    /// The alert's state, labels, annotations and times.
    public var alert: Alert

    /// Creates a saved alert.
    public init(file: String, group: String, rule: String, alert: Alert) {
        self.file = file
        self.group = group
        self.rule = rule
        self.alert = alert
    }
}

/// Where the rule manager keeps the alerts of its rules across restarts.
///
/// The rule manager defines what it needs; `Storage` implements it on SQLite, `TestSupport` in memory.
public protocol AlertStateStorage: Sendable {
    /// Replaces the saved alerts of the rule group `group` of `file` with `alerts`, in one transaction.
    /// - Throws: ``StorageError`` when the write fails; the previous alerts are then kept.
    func saveAlerts(file: String, group: String, _ alerts: [SavedAlert]) throws(StorageError)

    /// Every saved alert.
    /// - Throws: ``StorageError`` when the alerts cannot be read.
    func loadAlerts() throws(StorageError) -> [SavedAlert]
}
