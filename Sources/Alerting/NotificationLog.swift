import Model

/// One integration of one receiver, as the notification log keys it: `team-a/webhook/0`.
public struct IntegrationKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The receiver's name.
    public var receiver: String
    /// The integration kind: `webhook`.
    public var integration: String
    /// The index among the receiver's integrations of that kind.
    public var index: Int

    /// Creates a key.
    public init(receiver: String, integration: String, index: Int) {
        self.receiver = receiver
        self.integration = integration
        self.index = index
    }

    public var description: String { "\(receiver)/\(integration)/\(index)" }

    public static func < (lhs: IntegrationKey, rhs: IntegrationKey) -> Bool { lhs.description < rhs.description }
}

/// What was last notified to one integration about one group (Alertmanager's `nflogpb.Entry`).
///
/// Persist these and restore them into ``NotificationLog`` so that after a restart the dispatcher neither
/// re-sends what was sent within `repeat_interval` nor forgets a notification that is due.
public struct NotificationLogEntry: Sendable, Equatable {
    /// The integration notified.
    public var integration: IntegrationKey
    /// The group's key (``AggregationGroupKey``'s text).
    public var groupKey: String
    /// When the notification succeeded.
    public var timestamp: Timestamp
    /// Fingerprints of the alerts that were firing in it.
    public var firingAlerts: Set<Fingerprint>
    /// Fingerprints of the alerts that were resolved in it.
    public var resolvedAlerts: Set<Fingerprint>
    /// When the entry may be forgotten (`timestamp` + 2 × repeat_interval).
    public var expiresAt: Timestamp

    /// Creates an entry.
    public init(
        integration: IntegrationKey, groupKey: String, timestamp: Timestamp, firingAlerts: Set<Fingerprint>,
        resolvedAlerts: Set<Fingerprint>, expiresAt: Timestamp
    ) {
        self.integration = integration
        self.groupKey = groupKey
        self.timestamp = timestamp
        self.firingAlerts = firingAlerts
        self.resolvedAlerts = resolvedAlerts
        self.expiresAt = expiresAt
    }
}

/// The notification log: the last successful notification per integration and group.
public struct NotificationLog: Sendable {
    private struct Key: Hashable {
        var integration: IntegrationKey
        var groupKey: String
    }

    private var entries: [Key: NotificationLogEntry] = [:]

    /// Creates a log from persisted entries.
    public init(entries: [NotificationLogEntry] = []) {
        for entry in entries { self.entries[Key(integration: entry.integration, groupKey: entry.groupKey)] = entry }
    }

    /// All entries, ordered by group key and integration.
    public var allEntries: [NotificationLogEntry] {
        entries.values.sorted { ($0.groupKey, $0.integration) < ($1.groupKey, $1.integration) }
    }

    /// The entry for one integration and group.
    public func entry(for integration: IntegrationKey, groupKey: String) -> NotificationLogEntry? {
        entries[Key(integration: integration, groupKey: groupKey)]
    }

    /// Records a notification unless a newer one is already recorded.
    public mutating func log(_ entry: NotificationLogEntry) {
        let key = Key(integration: entry.integration, groupKey: entry.groupKey)
        if let previous = entries[key], previous.timestamp > entry.timestamp { return }
        entries[key] = entry
    }

    /// Forgets entries that expired by `time`; returns them.
    public mutating func collectGarbage(at time: Timestamp) -> [NotificationLogEntry] {
        let expired = entries.filter { $0.value.expiresAt <= time }
        for key in expired.keys { entries[key] = nil }
        return Array(expired.values)
    }
}

extension NotificationLogEntry {
    /// Alertmanager's DedupStage: whether a group whose unmuted alerts are `firing` and `resolved` must be
    /// notified, given this last entry (nil when never notified). A group whose firing alerts are all
    /// `acknowledged` is not repeated at `repeatInterval` (the exporter's acknowledgements; a new or resolved
    /// alert still notifies).
    static func needsUpdate(
        _ entry: NotificationLogEntry?, firing: Set<Fingerprint>, resolved: Set<Fingerprint>,
        sendResolved: Bool, repeatInterval: PrometheusDuration, now: Timestamp,
        acknowledged: Set<Fingerprint> = []
    ) -> Bool {
        // An entry expires after twice the repeat interval; acknowledged alerts are not notified again for that.
        guard let entry else { return !firing.isEmpty && !firing.isSubset(of: acknowledged) }
        if !firing.isSubset(of: entry.firingAlerts) { return true }
        if firing.isEmpty { return !entry.firingAlerts.isEmpty }
        if sendResolved && !resolved.isSubset(of: entry.resolvedAlerts) { return true }
        if firing.isSubset(of: acknowledged) { return false }
        return entry.timestamp < now - repeatInterval
    }
}
