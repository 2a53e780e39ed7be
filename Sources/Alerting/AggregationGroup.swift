import Model

/// The alerts of one route that share the values of its `group_by` labels, with the group's timer.
struct AggregationGroup: Sendable {
    let route: Route
    let labels: Labels
    /// Alertmanager's group key: route key, `:`, the group labels as Go prints a label set.
    let groupKey: String
    var alerts: [Fingerprint: Alert] = [:]
    /// When the group flushes next.
    var nextFlush: Timestamp
    var hasFlushed = false
    /// The flush whose deliveries have not all been reported yet.
    var pending: PendingFlush?

    init(route: Route, labels: Labels, createdAt: Timestamp) {
        self.route = route
        self.labels = labels
        self.groupKey = route.key + ":" + labels.goDescription
        self.nextFlush = createdAt + route.options.groupWait
    }

    /// Inserts or replaces an alert; an old enough first alert makes the first flush due at once.
    mutating func insert(_ alert: Alert, at now: Timestamp) {
        alerts[alert.fingerprint] = alert
        if !hasFlushed && alert.startsAt + route.options.groupWait < now {
            nextFlush = min(nextFlush, now)
        }
    }

    /// The alerts as notified at `now`, in Alertmanager's order.
    func snapshot(at now: Timestamp) -> [Alert] {
        alerts.values.map { $0.snapshot(at: now) }.sorted(by: Alert.notificationOrder)
    }

    /// After every delivery of a flush succeeded: drops the resolved alerts not updated since.
    mutating func dropNotifiedResolved(_ flushed: [Alert]) {
        for alert in flushed where alert.endsAt != nil {
            if alerts[alert.fingerprint]?.updatedAt == alert.updatedAt {
                alerts[alert.fingerprint] = nil
            }
        }
    }
}

/// A flush waiting for its deliveries' outcomes.
struct PendingFlush: Sendable {
    var alerts: [Alert]
    var outstanding: Set<UInt64>
    var failed = false
}

extension Labels {
    /// Go's `model.LabelSet.String()`: `{a="b", c="d"}`, the `name="value"` pairs sorted as text, values
    /// quoted as Go's `%q`.
    public var goDescription: String {
        let pairs = labels.map { "\($0.name)=\(GoFormat.quote($0.value))" }
        return "{" + pairs.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.joined(separator: ", ")
            + "}"
    }
}
