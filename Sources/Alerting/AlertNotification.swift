import Model

/// A receiver integration the dispatcher notifies.
public enum Integration: Sendable, Equatable {
    /// A `webhook_configs` entry.
    case webhook(WebhookConfig)

    /// Whether resolved alerts are sent.
    public var sendResolved: Bool {
        switch self {
        case .webhook(let config): config.sendResolved
        }
    }

    /// The kind, as in the notification log and metrics: `webhook`.
    public var kind: String {
        switch self {
        case .webhook: "webhook"
        }
    }
}

/// One notification to deliver: a group's alerts for one integration of its receiver.
///
/// Hand it to a ``DeliveryQueue``; report the outcome with ``Dispatcher/delivered(_:succeeded:at:)``.
public struct AlertNotification: Sendable, Equatable {
    /// Unique per dispatcher, increasing.
    public var id: UInt64
    /// The receiver and integration.
    public var key: IntegrationKey
    /// The integration's configuration.
    public var integration: Integration
    /// Alertmanager's group key: `{}/{severity="critical"}:{alertname="AgentDown"}`.
    public var groupKey: String
    /// The labels the group is formed by.
    public var groupLabels: Labels
    /// The alerts, in Alertmanager's order; firing ones have a nil `endsAt`. Resolved alerts are left out
    /// when the integration does not send them.
    public var alerts: [Alert]
    /// The fingerprints that were firing, for the notification log.
    public var firing: Set<Fingerprint>
    /// The fingerprints that were resolved, for the notification log.
    public var resolved: Set<Fingerprint>
    /// When the group was flushed.
    public var createdAt: Timestamp
    /// When to give up retrying: the group's next flush.
    public var deadline: Timestamp
    /// The route's repeat interval (the log entry expires after twice that).
    public var repeatInterval: PrometheusDuration

    /// The receiver's name.
    public var receiver: String { key.receiver }

    /// `firing` when any alert fires, else `resolved`.
    public var status: String { alerts.contains { $0.endsAt == nil } ? "firing" : "resolved" }
}
