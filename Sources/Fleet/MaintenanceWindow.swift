import Model

/// An operator's maintenance window on one agent: from `startsAt` until `until` the agent's state is
/// ``HealthState/maintenance``, it is never judged degraded or unreachable and its alerts are suppressed
/// (`silencedBy: ["maintenance:<agent>"]`). When it ends, the agent's thresholds count from `until`
/// (``AgentRecord/silentSince``), not from its last beat.
public struct MaintenanceWindow: Sendable, Equatable {
    /// The longest window accepted: 7 days.
    public static let maxDuration = PrometheusDuration.hours(7 * 24)

    public var startsAt: Timestamp
    public var until: Timestamp
    /// Why, as the operator put it.
    public var reason: String?
    /// Who set it.
    public var by: String?

    public init(startsAt: Timestamp, until: Timestamp, reason: String? = nil, by: String? = nil) {
        self.startsAt = startsAt
        self.until = until
        self.reason = reason
        self.by = by
    }

    /// Whether the window is open at `now`.
    public func isOpen(at now: Timestamp) -> Bool {
        startsAt <= now && now < until
    }

    /// `maintenance by alice until 2026-12-06T22:00:00Z: disk swap`, for the agent's history.
    var describe: String {
        var text = "maintenance"
        if let by { text += " by \(by)" }
        text += " until \(until.goRFC3339)"
        if let reason, !reason.isEmpty { text += ": \(reason)" }
        return text
    }
}

/// Why a maintenance window was refused.
public enum MaintenanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `until` is not after the time of the request.
    case endsInPast(field: String)
    /// The window is longer than ``MaintenanceWindow/maxDuration``.
    case tooLong(field: String)

    public var description: String {
        switch self {
        case .endsInPast(let field): "field \"\(field)\": the window must end in the future"
        case .tooLong(let field):
            "field \"\(field)\": the window must last at most \(MaintenanceWindow.maxDuration)"
        }
    }
}
