import Model

/// An alert's state in Alertmanager's API v2: `active`, `suppressed` (silenced, inhibited or muted
/// otherwise) or `unprocessed`, with the IDs of what suppresses it.
public struct AlertStatus: Sendable, Equatable {
    /// The API v2 state.
    public enum State: String, Sendable, Equatable {
        /// Not muted.
        case active
        /// Muted by a silence, an inhibition or another suppression.
        case suppressed
        /// Not yet looked at.
        case unprocessed
    }

    /// The state.
    public var state: State
    /// IDs of active silences (and of other suppressions the server adds) that mute the alert.
    public var silencedBy: [String]
    /// Fingerprints of the alerts that inhibit it.
    public var inhibitedBy: [String]
    /// The exporter's acknowledgement covering the alert, if any (not part of Alertmanager's status: written as
    /// an extra `acknowledgedBy` member, which Alertmanager's clients ignore).
    public var acknowledgedBy: Acknowledgement?

    /// Creates a status; ``state`` follows from whether anything suppresses the alert.
    public init(silencedBy: [String] = [], inhibitedBy: [String] = []) {
        self.silencedBy = silencedBy
        self.inhibitedBy = inhibitedBy
        self.state = silencedBy.isEmpty && inhibitedBy.isEmpty ? .active : .suppressed
    }

    /// The status of `labels` at `time` given the silences and the inhibition state.
    public static func of(_ labels: Labels, silences: SilenceStore, inhibition: Inhibition, at time: Timestamp)
        -> AlertStatus
    {
        AlertStatus(
            silencedBy: silences.silencedBy(labels, at: time),
            inhibitedBy: inhibition.inhibitedBy(labels).map { [$0.description] } ?? [])
    }

    /// Whether notifications leave the alert out.
    public var isMuted: Bool { state == .suppressed }
}

/// The filters of `GET /api/v2/alerts` and `/api/v2/alerts/groups` (`active`, `silenced`, `inhibited`,
/// `unprocessed`, `filter`, `receiver`), applied as Alertmanager applies them.
public struct AlertQuery: Sendable {
    /// Include active alerts (default true).
    public var active = true
    /// Include silenced alerts (default true).
    public var silenced = true
    /// Include inhibited alerts (default true).
    public var inhibited = true
    /// Include unprocessed alerts (default true).
    public var unprocessed = true
    /// Matchers the alert's labels must satisfy (`filter=`, one matcher each).
    public var filter: [LabelMatcher] = []
    /// A regular expression one of the alert's receivers must fully match (`receiver=`).
    public var receiver: LabelMatcher?

    /// A query that selects everything.
    public init() {}

    /// Whether an alert with this status and these receivers is listed at `time` (resolved alerts never are).
    public func selects(_ alert: Alert, status: AlertStatus, receivers: [String], at time: Timestamp) -> Bool {
        if alert.isResolved(at: time) { return false }
        if !active && status.state == .active { return false }
        if !unprocessed && status.state == .unprocessed { return false }
        if !silenced && !status.silencedBy.isEmpty { return false }
        if !inhibited && !status.inhibitedBy.isEmpty { return false }
        if let receiver, !receivers.contains(where: receiver.matches) { return false }
        return filter.matches(alert.labels)
    }

    /// Parses the `filter` and `receiver` parameters.
    /// - Throws: ``MatcherError`` for a filter that does not parse or a receiver regex that does not compile.
    public mutating func parse(filters: [String], receiver: String?) throws(MatcherError) {
        filter = try filters.map { text throws(MatcherError) in try MatcherParser.parse(text) }
        self.receiver = try receiver.map { text throws(MatcherError) in
            try LabelMatcher.alertmanager(.regexMatch, "receiver", text)
        }
    }
}
