import Model

/// An alert as the dispatcher, inhibitor and silences see it: Alertmanager's `types.Alert`.
public struct Alert: Sendable, Equatable {
    /// The identifying labels.
    public var labels: Labels
    /// The annotations (summary, description, …).
    public var annotations: Labels
    /// When the alert started firing.
    public var startsAt: Timestamp
    /// When the alert resolved or, for a firing alert, until when it is valid; nil when open-ended.
    public var endsAt: Timestamp?
    /// A link back to the rule's expression.
    public var generatorURL: String
    /// When this version of the alert was received; a group only drops a resolved alert that was not
    /// updated since it was notified.
    public var updatedAt: Timestamp
    /// Whether its rule keeps it firing only by `keep_firing_for`: the condition has cleared. The exporter's own
    /// knowledge, never sent (Prometheus does not send it either); a recovery hold uses it.
    public var keptFiring: Bool

    /// Creates an alert.
    public init(
        labels: Labels, annotations: Labels = .empty, startsAt: Timestamp, endsAt: Timestamp? = nil,
        generatorURL: String = "", updatedAt: Timestamp, keptFiring: Bool = false
    ) {
        self.keptFiring = keptFiring
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
        self.updatedAt = updatedAt
    }

    /// Alertmanager's fingerprint of the labels.
    public var fingerprint: Fingerprint { labels.fingerprint }

    /// Whether the alert has resolved by `time`: its `endsAt` is set and not after `time`.
    public func isResolved(at time: Timestamp) -> Bool {
        guard let endsAt else { return false }
        return endsAt <= time
    }

    /// The alert as notified at `time`: an `endsAt` still in the future is hidden (nil), as Alertmanager does.
    public func snapshot(at time: Timestamp) -> Alert {
        var copy = self
        if !isResolved(at: time) { copy.endsAt = nil }
        return copy
    }

    /// Alertmanager's notification order: by `job`, then `instance` (alerts lacking them last), then labels.
    public static func notificationOrder(_ lhs: Alert, _ rhs: Alert) -> Bool {
        for name in ["job", "instance"] {
            let left = lhs.labels[name], right = rhs.labels[name]
            if left.isEmpty && right.isEmpty { continue }
            if left.isEmpty { return false }
            if right.isEmpty { return true }
            if left != right { return left < right }
        }
        return labelSetBefore(lhs.labels, rhs.labels)
    }

    /// Prometheus' `LabelSet.Before`: fewer labels first, then the first differing label in name order
    /// (a name only `lhs` has sorts it after, one only `rhs` has sorts it before).
    public static func labelSetBefore(_ lhs: Labels, _ rhs: Labels) -> Bool {
        let left = lhs.labels, right = rhs.labels
        if left.count != right.count { return left.count < right.count }
        var i = 0, j = 0
        while i < left.count && j < right.count {
            let a = left[i], b = right[j]
            guard a.name == b.name else {
                return a.name > b.name
            }
            if a.value != b.value { return a.value < b.value }
            i += 1
            j += 1
        }
        return false
    }
}
