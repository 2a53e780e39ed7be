import Model
import PromQL

/// The state of one alert of an alerting rule, as in Prometheus.
public enum AlertState: String, Sendable, Hashable, Codable {
    /// Not active: the expression stopped returning the alert (it is kept a while to send the resolution).
    case inactive
    /// Active for less than the rule's `for` duration.
    case pending
    /// Active for at least `for`, or kept firing by `keep_firing_for`.
    case firing
}

/// One alert of an alerting rule: the state Prometheus keeps per label set. Times are milliseconds since
/// the epoch; `nil` stands for Go's zero time.
public struct Alert: Sendable, Equatable {
    /// The alert's labels: the result's labels without `__name__`, the rule's labels, `alertname`.
    public var labels: Labels
    /// The expanded annotations, sorted by name.
    public var annotations: Labels
    /// The current state.
    public var state: AlertState
    /// When the alert became active (pending); `ALERTS_FOR_STATE` holds it in seconds.
    public var activeAt: Timestamp
    /// When it started firing.
    public var firedAt: Timestamp?
    /// When it was resolved.
    public var resolvedAt: Timestamp?
    /// When it was last handed over for sending.
    public var lastSentAt: Timestamp?
    /// Until when the last sent notification is valid.
    public var validUntil: Timestamp?
    /// Since when `keep_firing_for` keeps it firing although the expression no longer returns it.
    public var keepFiringSince: Timestamp?
    /// The expression's value at the last evaluation that returned the alert.
    public var value: Double

    /// Creates an alert.
    public init(
        labels: Labels, annotations: Labels, state: AlertState, activeAt: Timestamp, firedAt: Timestamp? = nil,
        resolvedAt: Timestamp? = nil, lastSentAt: Timestamp? = nil, validUntil: Timestamp? = nil,
        keepFiringSince: Timestamp? = nil, value: Double
    ) {
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

    /// Whether the alert must be (re)sent at `time`: firing or resolved, and resolved since the last send
    /// or last sent more than `resendDelay` ago (Prometheus' `needsSending`).
    func needsSending(at time: Timestamp, resendDelay: PrometheusDuration) -> Bool {
        if state == .pending { return false }
        guard let lastSentAt else { return true }
        if let resolvedAt, resolvedAt > lastSentAt { return true }
        return lastSentAt + resendDelay < time
    }
}
