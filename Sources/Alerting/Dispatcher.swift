import Model

/// Alertmanager's dispatcher as a pure state machine: it sorts alerts into aggregation groups per route
/// and `group_by` values, and when a group's timer (group_wait, then group_interval) is due it emits the
/// notifications that Alertmanager's dedup stage would let through — for a new firing alert, a newly
/// resolved one (when the integration sends resolved alerts), all alerts resolved, or repeat_interval.
///
/// Nothing here reads a clock or sleeps: the caller passes the time, runs ``tick(at:isMuted:)`` at
/// ``nextWakeup`` (or on a steady beat), delivers the notifications and reports each outcome with
/// ``delivered(_:succeeded:at:)``. Keep it behind a `Mutex`.
public struct Dispatcher: Sendable {
    /// The routing tree.
    public let route: Route
    /// The receivers by name.
    public let receivers: [String: ReceiverConfig]
    /// The log of successful notifications; restore it from storage at start.
    public private(set) var notificationLog: NotificationLog
    private var groups: [String: AggregationGroup] = [:]
    private var nextNotificationID: UInt64 = 1
    /// Empty groups are removed on this beat (Alertmanager's 30-second maintenance), so an alert arriving
    /// shortly after its group emptied joins the old group and its timer, as in Alertmanager.
    private var nextCleanup: Timestamp?
    /// How long between removals of empty groups.
    public static let cleanupInterval = PrometheusDuration.seconds(30)
    private var logUpdates: [NotificationLogEntry] = []

    /// Creates a dispatcher.
    /// - Parameters:
    ///   - route: the tree built from the configuration.
    ///   - receivers: the receivers routes name.
    ///   - notificationLog: entries restored from storage.
    public init(route: Route, receivers: [ReceiverConfig], notificationLog: NotificationLog = NotificationLog()) {
        self.route = route
        self.receivers = Dictionary(receivers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.notificationLog = notificationLog
    }

    /// Routes alerts into their groups; a new or changed alert replaces the one with the same labels.
    public mutating func insert(_ alerts: [Alert], at now: Timestamp) {
        if nextCleanup == nil { nextCleanup = now + Self.cleanupInterval }
        for alert in alerts {
            for node in route.match(alert.labels) {
                let labels = node.groupLabels(alert.labels)
                let id = node.position + "\u{0}" + labels.goDescription
                var group = groups[id] ?? AggregationGroup(route: node, labels: labels, createdAt: now)
                group.insert(alert, at: now)
                groups[id] = group
            }
        }
    }

    /// Makes every group holding one of `fingerprints` due at `now`, so the next ``tick(at:isMuted:)`` flushes it
    /// (alerts a recovery ladder held and released go out at once, not after `group_wait` or `group_interval`).
    /// What a flush sends still follows the dedup rules: an alert already notified is not repeated.
    public mutating func expedite(groupsHolding fingerprints: Set<Fingerprint>, at now: Timestamp) {
        guard !fingerprints.isEmpty else { return }
        for (id, group) in groups where group.alerts.keys.contains(where: fingerprints.contains) {
            groups[id]?.nextFlush = min(group.nextFlush, now)
        }
    }

    /// The earliest time a group is due or empty groups are to be removed; nil without groups.
    public var nextWakeup: Timestamp? {
        guard let firstFlush = groups.values.map(\.nextFlush).min() else { return nil }
        return min(firstFlush, nextCleanup ?? firstFlush)
    }

    /// Flushes every group that is due at `now` and returns the notifications to deliver.
    ///
    /// - Parameter isMuted: whether an alert is silenced, inhibited or otherwise suppressed at `now`;
    ///   muted alerts are left out of notifications and of the dedup comparison, as in Alertmanager.
    /// - Parameter isAcknowledged: whether an alert is acknowledged: a group whose firing alerts all are is not
    ///   repeated at its `repeat_interval`.
    public mutating func tick(
        at now: Timestamp, isMuted: (Alert) -> Bool = { _ in false }, isAcknowledged: (Alert) -> Bool = { _ in false }
    ) -> [AlertNotification] {
        var notifications: [AlertNotification] = []
        for id in groups.keys.sorted() {
            guard var group = groups[id], group.nextFlush <= now else { continue }
            notifications += flush(&group, at: now, isMuted: isMuted, isAcknowledged: isAcknowledged)
            groups[id] = group
        }
        removeEmptyGroups(at: now)
        return notifications
    }

    private mutating func removeEmptyGroups(at now: Timestamp) {
        guard let due = nextCleanup, due <= now else { return }
        nextCleanup = due + Self.cleanupInterval * ((now - due) / Self.cleanupInterval + 1)
        groups = groups.filter { !$0.value.alerts.isEmpty || $0.value.pending != nil }
        if groups.isEmpty { nextCleanup = nil }
    }

    private mutating func flush(
        _ group: inout AggregationGroup, at now: Timestamp,
        isMuted: (Alert) -> Bool, isAcknowledged: (Alert) -> Bool
    ) -> [AlertNotification] {
        if group.pending != nil { group.pending = nil }  // outcomes not reported by the deadline: failed
        group.nextFlush = now + group.route.options.groupInterval
        group.hasFlushed = true
        guard !group.alerts.isEmpty else { return [] }
        let snapshot = group.snapshot(at: now)
        let unmuted = snapshot.filter { !isMuted($0) }
        let acknowledged = Set(unmuted.filter { $0.endsAt == nil && isAcknowledged($0) }.map(\.fingerprint))
        let notifications =
            unmuted.isEmpty ? [] : notificationsFor(group, unmuted, acknowledged: acknowledged, at: now)
        if notifications.isEmpty {
            group.dropNotifiedResolved(snapshot)
        } else {
            group.pending = PendingFlush(alerts: snapshot, outstanding: Set(notifications.map(\.id)))
        }
        return notifications
    }

    private mutating func notificationsFor(
        _ group: AggregationGroup, _ alerts: [Alert], acknowledged: Set<Fingerprint>,
        at now: Timestamp
    ) -> [AlertNotification] {
        let firing = Set(alerts.filter { $0.endsAt == nil }.map(\.fingerprint))
        let resolved = Set(alerts.filter { $0.endsAt != nil }.map(\.fingerprint))
        var notifications: [AlertNotification] = []
        for (key, integration) in integrations(of: group.route.options.receiver) {
            let entry = notificationLog.entry(for: key, groupKey: group.groupKey)
            let options = group.route.options
            guard
                NotificationLogEntry.needsUpdate(
                    entry, firing: firing, resolved: resolved,
                    sendResolved: integration.sendResolved,
                    repeatInterval: options.repeatInterval, now: now, acknowledged: acknowledged)
            else {
                keepAcknowledged(entry, firing: firing, acknowledged: acknowledged, options: options, at: now)
                continue
            }
            var notification = AlertNotification(
                id: nextNotificationID, key: key, integration: integration, groupKey: group.groupKey,
                groupLabels: group.labels, alerts: alerts, firing: firing, resolved: resolved, createdAt: now,
                deadline: now + options.groupInterval, repeatInterval: options.repeatInterval)
            nextNotificationID += 1
            if !integration.sendResolved {
                notification.alerts = alerts.filter { $0.endsAt == nil }
                if firing.isEmpty {  // nothing to send, but remembered as notified
                    record(notification, at: now)
                    continue
                }
            }
            notifications.append(notification)
        }
        return notifications
    }

    private func integrations(of receiverName: String) -> [(IntegrationKey, Integration)] {
        guard let receiver = receivers[receiverName] else { return [] }
        return receiver.webhookConfigs.enumerated().map { index, config in
            (IntegrationKey(receiver: receiver.name, integration: "webhook", index: index), .webhook(config))
        }
    }

    /// Reports the final outcome of delivering `notification` (after its retries). Success is written to
    /// the notification log; once every notification of a flush succeeded, the resolved alerts it
    /// carried leave the group.
    public mutating func delivered(_ notification: AlertNotification, succeeded: Bool, at now: Timestamp) {
        if succeeded { record(notification, at: now) }
        guard
            let id = groups.first(where: {
                $0.value.groupKey == notification.groupKey
                    && $0.value.pending?.outstanding.contains(notification.id) == true
            })?.key,
            var group = groups[id], var pending = group.pending
        else { return }
        pending.outstanding.remove(notification.id)
        pending.failed = pending.failed || !succeeded
        group.pending = pending.outstanding.isEmpty ? nil : pending
        if pending.outstanding.isEmpty && !pending.failed { group.dropNotifiedResolved(pending.alerts) }
        groups[id] = group
    }

    private mutating func record(_ notification: AlertNotification, at now: Timestamp) {
        let entry = NotificationLogEntry(
            integration: notification.key, groupKey: notification.groupKey, timestamp: now,
            firingAlerts: notification.firing, resolvedAlerts: notification.resolved,
            expiresAt: now + 2 * notification.repeatInterval)
        notificationLog.log(entry)
        logUpdates.append(entry)
    }

    /// A repeat left out because its alerts are acknowledged: the entry is kept as long as a repeat would have
    /// kept it (its expiry moves on), so that the resolution is still sent and nothing is notified as new.
    private mutating func keepAcknowledged(
        _ entry: NotificationLogEntry?, firing: Set<Fingerprint>, acknowledged: Set<Fingerprint>,
        options: RouteOptions, at now: Timestamp
    ) {
        guard var entry, !firing.isEmpty, firing.isSubset(of: acknowledged),
            entry.expiresAt < now + 2 * options.repeatInterval - options.groupInterval
        else { return }
        entry.expiresAt = now + 2 * options.repeatInterval
        notificationLog.log(entry)
        logUpdates.append(entry)
    }

    /// Alerts that a silence muted and that still fire when it ends are notified at their group's next flush,
    /// not after `repeat_interval` (Alertmanager waits: its issue 730): they leave the notification log's firing
    /// sets, so the next flush finds them new.
    public mutating func renotify(_ fingerprints: Set<Fingerprint>) {
        guard !fingerprints.isEmpty else { return }
        for var entry in notificationLog.allEntries where !entry.firingAlerts.isDisjoint(with: fingerprints) {
            entry.firingAlerts.subtract(fingerprints)
            notificationLog.log(entry)
            logUpdates.append(entry)
        }
    }

    /// The notification log entries written since the last call, to persist.
    public mutating func takeLogUpdates() -> [NotificationLogEntry] {
        defer { logUpdates = [] }
        return logUpdates
    }

    /// Forgets expired notification log entries; returns them so storage can delete them too.
    public mutating func collectLogGarbage(at now: Timestamp) -> [NotificationLogEntry] {
        notificationLog.collectGarbage(at: now)
    }

    /// The non-empty groups (for `/api/v2/alerts/groups`), in Alertmanager's order: by labels
    /// (`LabelSet.Before`), then receiver; alerts in notification order.
    public var alertGroups: [AlertGroup] {
        let views = groups.values.filter { !$0.alerts.isEmpty }.map { group in
            AlertGroup(
                labels: group.labels, receiver: group.route.options.receiver, groupKey: group.groupKey,
                alerts: group.alerts.values.sorted(by: Alert.notificationOrder))
        }
        return views.sorted { lhs, rhs in
            lhs.labels == rhs.labels ? lhs.receiver < rhs.receiver : Alert.labelSetBefore(lhs.labels, rhs.labels)
        }
    }

    /// For each alert, the receivers of the groups holding it, sorted (duplicates kept), as
    /// `/api/v2/alerts/groups` lists them.
    public var groupReceivers: [Fingerprint: [String]] {
        var receivers: [Fingerprint: [String]] = [:]
        for group in groups.values {
            for fingerprint in group.alerts.keys {
                receivers[fingerprint, default: []].append(group.route.options.receiver)
            }
        }
        return receivers.mapValues { $0.sorted() }
    }

    /// Every alert held in some group, once each (an alert may sit in several groups), by fingerprint.
    public var alerts: [Alert] {
        var byFingerprint: [Fingerprint: Alert] = [:]
        for group in groups.values {
            byFingerprint.merge(group.alerts) { current, _ in current }
        }
        return byFingerprint.keys.sorted().compactMap { byFingerprint[$0] }
    }

    /// The receivers of the routes matching `labels`, in match order (duplicates kept), as `/api/v2/alerts`
    /// lists them.
    public func receivers(for labels: Labels) -> [String] {
        route.match(labels).map(\.options.receiver)
    }
}

/// An aggregation group as the API shows it.
public struct AlertGroup: Sendable, Equatable {
    /// The group labels.
    public var labels: Labels
    /// The receiver of the group's route.
    public var receiver: String
    /// Alertmanager's group key.
    public var groupKey: String
    /// The alerts, in notification order.
    public var alerts: [Alert]

    /// Creates a group view.
    public init(labels: Labels, receiver: String, groupKey: String, alerts: [Alert]) {
        self.labels = labels
        self.receiver = receiver
        self.groupKey = groupKey
        self.alerts = alerts
    }
}
