import Model

/// An operator's acknowledgement of firing alerts: "I am on it". An acknowledged alert is no longer repeated at
/// its route's `repeat_interval`; it stays listed, as acknowledged by whom and when.
///
/// It covers the alerts its matchers match that fire when it is made, each for that firing only (its
/// `startsAt`): when one of them resolves, or fires anew, it is no longer covered, and when none is left the
/// acknowledgement ends by itself, so the next firing notifies again. It ends too at its `endsAt`, if it has
/// one, or when it is deleted. Alertmanager has no such thing (its issue 1860); a silence mutes new firings too
/// and does not end when the problem does.
public struct Acknowledgement: Sendable, Equatable {
    /// Names it (a UUID).
    public var id: String
    /// Alertmanager matchers; the alerts it covers matched all of them when it was made.
    public var matchers: [LabelMatcher]
    /// Who acknowledged.
    public var createdBy: String
    /// Why, or what is being done.
    public var comment: String
    /// When it was made.
    public var createdAt: Timestamp
    /// When it ends at the latest, if the operator said so.
    public var endsAt: Timestamp?
    /// The firings it covers: each alert's fingerprint and the `startsAt` of its firing.
    public var alerts: [Fingerprint: Timestamp]

    /// An acknowledgement as given.
    public init(
        id: String, matchers: [LabelMatcher], createdBy: String, comment: String, createdAt: Timestamp,
        endsAt: Timestamp? = nil, alerts: [Fingerprint: Timestamp]
    ) {
        self.id = id
        self.matchers = matchers
        self.createdBy = createdBy
        self.comment = comment
        self.createdAt = createdAt
        self.endsAt = endsAt
        self.alerts = alerts
    }

    /// Whether it covers `alert` as it fires now.
    public func covers(_ alert: Alert) -> Bool { alerts[alert.fingerprint] == alert.startsAt }
}

/// Why an acknowledgement was not made or removed (HTTP 400 or 404 with the message).
public enum AcknowledgementError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request body is wrong: what and where (`matchers.0.isRegex in body is required`).
    case badRequest(String)
    /// No alert that fires now matches the matchers: there is nothing to acknowledge (HTTP 404).
    case nothingFiring(String)
    /// No acknowledgement has this ID (HTTP 404).
    case notFound(String)

    public var description: String {
        switch self {
        case .badRequest(let message): message
        case .nothingFiring(let matchers): "no firing alert matches \(matchers): nothing to acknowledge"
        case .notFound(let id): "acknowledgement \(GoFormat.quote(id)) not found"
        }
    }
}

/// The acknowledgements in force, kept by the alert router.
public struct AcknowledgementBook: Sendable, Equatable {
    /// By ID.
    public private(set) var entries: [String: Acknowledgement] = [:]

    /// The acknowledgements read back from storage.
    public init(_ acknowledgements: [Acknowledgement] = []) {
        for acknowledgement in acknowledgements { entries[acknowledgement.id] = acknowledgement }
    }

    /// Adds `acknowledgement`.
    public mutating func add(_ acknowledgement: Acknowledgement) { entries[acknowledgement.id] = acknowledgement }

    /// Removes the acknowledgement `id`, returning it; nil when there is none.
    public mutating func remove(id: String) -> Acknowledgement? { entries.removeValue(forKey: id) }

    /// The acknowledgement that covers `alert` as it fires now (the earliest made, if several do).
    public func acknowledgement(of alert: Alert) -> Acknowledgement? {
        entries.values.filter { $0.covers(alert) }.min { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The acknowledgements in the order they were made.
    public var all: [Acknowledgement] { entries.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) } }

    /// Drops from each acknowledgement the firings that are over at `now` (resolved, firing anew, or forgotten),
    /// ends those with none left or past their `endsAt`. Returns the changed ones and the IDs of the ended ones.
    /// - Parameter keepingAbsent: whether a firing absent from `alerts` is kept (just after a start, before the
    ///   rule engine has sent the alerts again); else it counts as forgotten.
    public mutating func refresh(alerts: [Fingerprint: Alert], at now: Timestamp, keepingAbsent: Bool = false) -> (
        changed: [Acknowledgement], ended: [String]
    ) {
        var changed: [Acknowledgement] = []
        var ended: [String] = []
        for (id, acknowledgement) in entries {
            var kept = acknowledgement
            kept.alerts = acknowledgement.alerts.filter { fingerprint, startsAt in
                guard let alert = alerts[fingerprint] else { return keepingAbsent }
                return alert.startsAt == startsAt && !alert.isResolved(at: now)
            }
            if kept.alerts.isEmpty || (kept.endsAt.map { $0 <= now } ?? false) {
                entries[id] = nil
                ended.append(id)
            } else if kept != acknowledgement {
                entries[id] = kept
                changed.append(kept)
            }
        }
        return (changed, ended.sorted())
    }
}
