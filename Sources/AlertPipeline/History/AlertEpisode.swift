import Alerting
import Model

/// One episode of an alert: from the moment its rule found it active (pending) until it resolved, with the time
/// it spent in each phase. The history keeps it (``AlertHistory``) for `history.retention` after it resolved.
public struct AlertEpisode: Sendable, Equatable {
    /// `<fingerprint>-<startedAt in ms>`: unique per alert and start.
    public var id: String
    /// The alert's labels.
    public var labels: Labels
    /// When the rule found it active (Prometheus' `activeAt`).
    public var startedAt: Timestamp
    /// When it started firing; nil while pending, or when it resolved without firing.
    public var firedAt: Timestamp?
    /// When it resolved; nil while it is open.
    public var resolvedAt: Timestamp?
    /// The highest value of the rule's expression seen for it; nil when none was a number.
    public var peakValue: Double?
    /// The time spent in each phase, up to ``accountedUntil``.
    public var times: EpisodeTimes
    /// The phase it was in at ``accountedUntil``.
    public var phase: EpisodePhase
    /// What muted it at ``accountedUntil``.
    public var muting: EpisodeMuting
    /// How far ``times`` reach.
    public var accountedUntil: Timestamp

    /// Creates an episode.
    public init(
        labels: Labels, startedAt: Timestamp, firedAt: Timestamp? = nil, resolvedAt: Timestamp? = nil,
        peakValue: Double? = nil, times: EpisodeTimes = EpisodeTimes(), phase: EpisodePhase = .pending,
        muting: EpisodeMuting = [], accountedUntil: Timestamp? = nil
    ) {
        self.id = Self.id(labels.fingerprint, startedAt: startedAt)
        self.labels = labels
        self.startedAt = startedAt
        self.firedAt = firedAt
        self.resolvedAt = resolvedAt
        self.peakValue = peakValue
        self.times = times
        self.phase = phase
        self.muting = muting
        self.accountedUntil = accountedUntil ?? startedAt
    }

    /// The ID of the episode of the alert `fingerprint` that started at `startedAt`.
    public static func id(_ fingerprint: Fingerprint, startedAt: Timestamp) -> String {
        "\(fingerprint)-\(startedAt.milliseconds)"
    }

    /// The alert's fingerprint.
    public var fingerprint: Fingerprint { labels.fingerprint }
}

/// The phase of an open episode.
public enum EpisodePhase: String, Sendable, Equatable, CaseIterable {
    /// Active for less than the rule's `for`.
    case pending
    /// Firing.
    case firing
    /// Resolved: the episode is closed.
    case resolved
}

/// What mutes a firing alert; the times of an episode count each separately (they may overlap).
public struct EpisodeMuting: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// A silence matches it.
    public static let silenced = EpisodeMuting(rawValue: 1)
    /// An inhibition rule mutes it.
    public static let inhibited = EpisodeMuting(rawValue: 2)
    /// An operator acknowledged it.
    public static let acknowledged = EpisodeMuting(rawValue: 4)
    /// Its agent was killed by an operator.
    public static let killed = EpisodeMuting(rawValue: 8)
    /// Its agent was in a maintenance window (`maintenance:<agent>`).
    public static let maintenance = EpisodeMuting(rawValue: 16)
    /// A dependency of its agent was down (`dependency:<root agent>`).
    public static let dependency = EpisodeMuting(rawValue: 32)
}

/// The time an episode spent pending and firing; and, of the firing time, how much it was silenced, inhibited,
/// acknowledged, muted by a kill, by a maintenance window and by a dependency down (these overlap when several
/// applied at once).
public struct EpisodeTimes: Sendable, Equatable {
    /// Pending: active, waiting for the rule's `for`.
    public var pending = PrometheusDuration.zero
    /// Firing, muted or not.
    public var firing = PrometheusDuration.zero
    /// Firing while a silence matched it.
    public var silenced = PrometheusDuration.zero
    /// Firing while an inhibition rule muted it.
    public var inhibited = PrometheusDuration.zero
    /// Firing while acknowledged.
    public var acknowledged = PrometheusDuration.zero
    /// Firing while its agent was killed.
    public var killed = PrometheusDuration.zero
    /// Firing while its agent was in maintenance.
    public var maintenance = PrometheusDuration.zero
    /// Firing while a dependency of its agent was down.
    public var dependency = PrometheusDuration.zero

    /// No time in any phase.
    public init() {}

    /// Adds `span` spent in `phase` with `muting`.
    mutating func add(_ span: PrometheusDuration, phase: EpisodePhase, muting: EpisodeMuting) {
        guard span > .zero else { return }
        switch phase {
        case .pending: pending = pending + span
        case .firing:
            firing = firing + span
            if muting.contains(.silenced) { silenced = silenced + span }
            if muting.contains(.inhibited) { inhibited = inhibited + span }
            if muting.contains(.acknowledged) { acknowledged = acknowledged + span }
            if muting.contains(.killed) { killed = killed + span }
            if muting.contains(.maintenance) { maintenance = maintenance + span }
            if muting.contains(.dependency) { dependency = dependency + span }
        case .resolved: break
        }
    }
}

/// One attempt to deliver a notification (every retry is one), as the history keeps it.
public struct NotificationAttempt: Sendable, Equatable {
    /// Unique; orders attempts made in the same millisecond.
    public var id: String
    /// The receiver.
    public var receiver: String
    /// The integration kind: `webhook` or `alertmanager`.
    public var integration: String
    /// The aggregation group's key; empty for alerts forwarded to an Alertmanager.
    public var groupKey: String
    /// The group's labels (matched by `match[]`); for forwarded alerts, the labels they share.
    public var groupLabels: Labels
    /// When the attempt finished.
    public var at: Timestamp
    /// `firing` when the notification carried a firing alert, else `resolved`.
    public var status: String
    /// `success`, `retryable_error` or `permanent_error` (as `heartbeat_exporter_notifications_total`).
    public var result: String
    /// 1 for the first attempt of a notification, 2 for its first retry, ….
    public var attempt: Int
    /// The error; empty on success.
    public var error: String
    /// How many alerts it carried.
    public var alertCount: Int

    /// Creates an attempt.
    public init(
        id: String, receiver: String, integration: String, groupKey: String, groupLabels: Labels, at: Timestamp,
        status: String, result: String, attempt: Int, error: String, alertCount: Int
    ) {
        self.id = id
        self.receiver = receiver
        self.integration = integration
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.at = at
        self.status = status
        self.result = result
        self.attempt = attempt
        self.error = error
        self.alertCount = alertCount
    }
}
