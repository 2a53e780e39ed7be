import Alerting
import Fleet
import Logging
import Model
import Synchronization

/// The exporter's Alertmanager: receives the alerts the rule engine sends, groups and routes them, mutes
/// what silences, inhibition rules, killed agents and recovery holds (`AlertRouter+Recovery`) suppress, delivers notifications to webhooks and
/// forwards alerts to real Alertmanagers — without ever making the rule engine or ingestion wait.
///
/// ``receive(_:)`` is called after each group evaluation; ``tick()`` runs on the notification thread (or
/// directly, with a manual clock, in tests): it applies delivery outcomes, flushes the groups that are due,
/// and persists the notification log. Silences are written to SQLite before a write is acknowledged.
public final class AlertRouter: Sendable {
    /// What the configuration decides.
    public struct Settings: Sendable, Equatable {
        /// `route`, `receivers`, `inhibit_rules`; nil when the file has none (alerts are kept and listed,
        /// nothing is sent).
        var config: AlertingConfig?
        /// Where the exporter is reached (`global.external_url`), the webhook payload's `externalURL`.
        var externalURL: String
        /// `global.external_labels`, added to every alert that lacks them, as Prometheus' notifier does.
        var externalLabels: [String: String]
        /// The `notices:` section; nil when the file has none (nothing is announced).
        var notices: NoticeSettings?

        /// Creates the settings of a router.
        public init(
            config: AlertingConfig?, externalURL: String, externalLabels: [String: String],
            notices: NoticeSettings? = nil
        ) {
            self.config = config
            self.externalURL = externalURL
            self.externalLabels = externalLabels
            self.notices = notices
        }
    }

    struct State {
        var settings: Settings
        var dispatcher: Dispatcher
        /// The latest version of every alert received (Alertmanager's alert provider), by fingerprint.
        var alerts: [Fingerprint: Alerting.Alert] = [:]
        var silences: SilenceStore
        var inhibitor: Inhibitor
        /// The agents whose alerts a recovery ladder holds, and what their ended holds left behind.
        var holds = RecoveryHolds()
        /// The agents muted because a dependency is down, and those released lately.
        var dependencyMuting = DependencyMuting()
        /// The registry's dependency map as last fetched (before taking this lock: working it out may read every
        /// shard), by each tick and each evaluation received.
        var dependencies = DependencyMap.empty
        /// Operators' acknowledgements in force.
        var acknowledgements: AcknowledgementBook
        /// Notifications handed to the delivery queue, by ID, until their outcome is applied.
        var inFlight: [UInt64: AlertNotification] = [:]
        /// Notification log entries not yet written to SQLite (kept for the next attempt when a write fails).
        var unsavedLog: [NotificationLogEntry] = []
        var expiredLog: [NotificationLogEntry] = []
        var nextHousekeeping = Timestamp.epoch
        /// The silences active at the last tick (``renotifyAfterSilences(_:at:)``); nil before the first.
        var activeSilences: Set<String>?
        /// Notices announced and not resolved yet, with when each was announced (``AlertRouter/announce(_:)``).
        var openNotices: [Fingerprint: Timestamp] = [:]
        /// The notices to write to storage and to delete from it.
        var noticeWrites = NoticeWrites()
        var nextForwardingID: UInt64 = 1 << 62
        /// When what mutes the alerts is next reported to the history.
        var nextHistoryMuting = Timestamp.epoch
    }

    /// Silences, the notification log and resolved alerts are cleaned up this often.
    static let housekeepingInterval = PrometheusDuration.seconds(30)
    /// Resolved alerts are kept this long (for `/api/v2/alerts` filters and reloads), then forgotten.
    static let resolvedRetention = PrometheusDuration.minutes(15)
    /// After a start, how long an acknowledgement outlives the absence of the alerts it covers: the rule engine's
    /// first evaluations send them again (as they were before the restart) meanwhile.
    static let acknowledgementStartGrace = PrometheusDuration.minutes(2)

    /// When this router was made: the exporter's start.
    let startedAt: Timestamp

    let clock: any WallClock
    let logger: Logger
    let store: any SilenceStorage & NotificationLogStorage & AcknowledgementStorage & NoticeStorage
    var acknowledgementStore: any AcknowledgementStorage { store }
    public let metrics = NotificationMetrics()
    private let registry: AgentRegistry
    private let transport: any HTTPTransport
    private let deliveries: DeliveryQueue
    private let outcomes: DeliveryOutcomes
    /// Where episodes' muting and notification attempts are recorded; nil keeps no history.
    public let history: AlertHistory?
    /// Protects the dispatcher, the alerts, the silences and the deliveries in flight.
    let state: Mutex<State>

    /// Creates the router with the silences, notification log, acknowledgements and notices stored in `store`.
    /// - Parameters:
    ///   - transport: sends webhook notifications and forwards alerts to Alertmanagers.
    ///   - retryDelay: waits between delivery retries (tests pass one that returns at once).
    ///   - silenceLimits: how many silences may be kept and how large each may be.
    ///   - history: records what mutes each firing alert and every delivery attempt.
    /// - Throws: ``StorageError`` when they cannot be read.
    public init(
        settings: Settings, registry: AgentRegistry,
        store: any SilenceStorage & NotificationLogStorage & AcknowledgementStorage & NoticeStorage,
        clock: any WallClock, logger: Logger, transport: any HTTPTransport = URLSessionTransport(),
        retryDelay: @escaping @Sendable (PrometheusDuration) async -> Void = DeliveryQueue.realSleep,
        silenceLimits: SilenceLimits = .standard, history: AlertHistory? = nil
    ) throws(StorageError) {
        self.registry = registry
        self.history = history
        self.store = store
        self.clock = clock
        startedAt = clock.now()
        self.logger = logger
        self.transport = transport
        let silences = SilenceStore(silences: try store.loadSilences(), limits: silenceLimits)
        let log = NotificationLog(entries: try store.loadNotificationLog())
        var state = State(
            settings: settings, dispatcher: Self.dispatcher(settings, log: log), silences: silences,
            inhibitor: Inhibitor(rules: settings.config?.inhibitRules ?? []),
            acknowledgements: AcknowledgementBook(try store.loadAcknowledgements()))
        Self.restore(try store.loadNotices(), into: &state, at: startedAt)
        self.state = Mutex(state)
        let outcomes = DeliveryOutcomes()
        self.outcomes = outcomes
        let metrics = self.metrics
        let logger = logger
        deliveries = DeliveryQueue(
            clock: clock,
            callbacks: .init(
                attempted: { [history] delivery, result in
                    metrics.countAttempt(receiver: delivery.receiver, result: result.label)
                    history?.recordAttempt(delivery, result: result)
                    if case .success = result { return }
                    logger.warning(
                        "notification attempt failed",
                        metadata: [
                            "receiver": "\(delivery.receiver)", "integration": "\(delivery.integration)",
                            "result": "\(result.label)", "error": "\(result.errorText)",
                        ])
                },
                finished: { delivery, succeeded in outcomes.append(id: delivery.id, succeeded: succeeded) }),
            sleep: retryDelay)
        metrics.register(receivers: settings.config?.receivers.map(\.name) ?? [])
    }

    static func dispatcher(_ settings: Settings, log: NotificationLog) -> Dispatcher {
        let route = Route(routeConfig(settings))
        return Dispatcher(route: route, receivers: settings.config?.receivers ?? [], notificationLog: log)
    }

    /// Puts a new configuration in force: the routing tree is rebuilt and every alert is routed again, as
    /// Alertmanager does on reload; the notification log carries over, so nothing already sent is repeated.
    public func reconfigure(_ settings: Settings) {
        let now = clock.now()
        state.withLock { state in
            guard state.settings != settings else { return }
            state.unsavedLog += state.dispatcher.takeLogUpdates()
            state.settings = settings
            state.dispatcher = Self.dispatcher(settings, log: state.dispatcher.notificationLog)
            state.inhibitor = Inhibitor(rules: settings.config?.inhibitRules ?? [])
            state.dispatcher.insert(Array(state.alerts.values), at: now)
        }
        metrics.register(receivers: settings.config?.receivers.map(\.name) ?? [])
    }

    /// Takes the alerts a rule group wants sent (firing and resolved, Prometheus' `sendAlerts`) and the firing
    /// alerts it does not resend yet (`refreshed`): external labels are added where an alert lacks them (as
    /// Prometheus' notifier does), each is stored as Alertmanager stores an alert it receives (it replaces or
    /// merges with the one held, its `updatedAt` is the time of arrival), and joins its aggregation groups, so
    /// the API and the next notifications show this evaluation's annotations. Only `sent` is forwarded to
    /// `alertmanager_configs`, at once, at Prometheus' resend pace.
    public func receive(_ sent: [Alerting.Alert], refreshed: [Alerting.Alert] = []) {
        guard !sent.isEmpty || !refreshed.isEmpty else { return }
        let now = clock.now()
        let dependencies = registry.dependencyMap()
        let forwarding = state.withLock { state -> [Delivery] in
            state.takeNewer(dependencies)
            let external = state.settings.externalLabels.sorted { $0.key < $1.key }
            var expedited: Set<Fingerprint> = []
            let annotate = { (alert: Alerting.Alert, state: inout State) -> Alerting.Alert in
                let received = DependencyMuting.annotated(
                    Self.received(alert, externalLabels: external, at: now), map: dependencies)
                let (annotated, first) = state.holds.annotatingReleased(received, at: now)
                if first { expedited.insert(annotated.fingerprint) }
                return annotated
            }
            let alerts = sent.map { annotate($0, &state) }
            let current = refreshed.map { annotate($0, &state) }
            let stored = (alerts + current).map { state.store($0, at: now) }
            state.dispatcher.insert(stored, at: now)
            state.dispatcher.expedite(groupsHolding: expedited, at: now)
            return forwardingDeliveries(alerts, state: &state, at: now)
        }
        enqueue(forwarding)
    }

    /// Hands forwarding deliveries to the delivery queue.
    func enqueue(_ forwarding: [Delivery]) {
        for delivery in forwarding { deliveries.enqueue(delivery) }
    }

    /// `alert` as received at `now`, with the external labels (sorted by name) it lacks.
    static func received(
        _ alert: Alerting.Alert, externalLabels: [(key: String, value: String)], at now: Timestamp
    ) -> Alerting.Alert {
        var received = alert
        for (name, value) in externalLabels where alert.labels[name].isEmpty {
            received.labels = received.labels.setting(name, to: value)
        }
        received.updatedAt = now
        return received
    }

    func forwardingDeliveries(_ alerts: [Alerting.Alert], state: inout State, at now: Timestamp) -> [Delivery] {
        guard let config = state.settings.config, config.receivers.contains(where: { !$0.alertmanagerConfigs.isEmpty })
        else { return [] }
        let muting = self.muting(state, at: now)
        let batches = AlertmanagerForwarder.batches(
            alerts, route: state.dispatcher.route, receivers: config.receivers,
            isMuted: { muting.status(of: $0).isMuted })
        for batch in batches { state.holds.forwarded(batch.alerts, at: now) }
        return batches.map { batch in
            let forwarder = AlertmanagerForwarder(target: batch.target, transport: transport)
            let receiver = config.receivers.first { $0.alertmanagerConfigs.contains(batch.target) }?.name ?? ""
            state.nextForwardingID += 1
            let alerts = batch.alerts
            // Prometheus does not retry beyond its next resend; the rule engine resends within a minute.
            var delivery = Delivery(
                id: state.nextForwardingID, receiver: receiver, integration: "alertmanager",
                deadline: now + .minutes(1)
            ) { timeout in await forwarder.send(alerts, timeout: timeout) }
            delivery.summary = DeliverySummary(
                groupLabels: Self.sharedLabels(alerts),
                status: alerts.contains { !$0.isResolved(at: now) } ? "firing" : "resolved", alertCount: alerts.count)
            return delivery
        }
    }

    /// Applies finished deliveries, flushes the aggregation groups that are due, hands their notifications
    /// to the delivery queue, cleans up, and writes the notification log.
    public func tick() {
        let now = clock.now()
        let finished = outcomes.takeAll()
        let dependencies = registry.dependencyMap()
        let (notifications, externalURL, logWrites, expired, noticeWrites) = state.withLock { state in
            state.takeNewer(dependencies)
            for outcome in finished {
                guard let notification = state.inFlight.removeValue(forKey: outcome.id) else { continue }
                state.dispatcher.delivered(notification, succeeded: outcome.succeeded, at: now)
            }
            refreshAcknowledgements(&state, at: now)
            renotifyAfterSilences(&state, at: now)
            renotifyAfterDependencies(&state, at: now)
            let notifications = takeDueNotifications(&state, at: now)
            reportMutingToHistory(&state, at: now)
            housekeeping(&state, at: now)
            let (entries, expired) = state.takeUnsavedLog()
            let notices = state.noticeWrites.take(from: state.alerts)
            return (notifications, state.settings.externalURL, entries, expired, notices)
        }
        hand(notifications, externalURL: externalURL)
        saveLog(logWrites, expired: expired)
        saveNotices(noticeWrites)
    }

    /// Flushes the groups due at `now` and keeps their notifications as in flight until their outcomes come back.
    func takeDueNotifications(_ state: inout State, at now: Timestamp) -> [AlertNotification] {
        let notifications = flushDueGroups(&state, at: now)
        state.holds.announced(notifications)
        state.dependencyMuting.announced(notifications)
        resolveNotices(&state, notified: notifications, at: now)
        for notification in notifications { state.inFlight[notification.id] = notification }
        return notifications
    }

    /// Hands notifications to the delivery queue.
    func hand(_ notifications: [AlertNotification], externalURL: String) {
        for notification in notifications { deliveries.enqueue(delivery(for: notification, externalURL: externalURL)) }
    }

    private func flushDueGroups(_ state: inout State, at now: Timestamp) -> [AlertNotification] {
        guard let due = state.dispatcher.nextWakeup, due <= now else { return [] }
        let muting = self.muting(state, at: now)
        let acknowledgements = state.acknowledgements
        let log = state.dispatcher.notificationLog
        var notifiedFiring: Set<Fingerprint>?
        return state.dispatcher.tick(
            at: now,
            isMuted: { alert in
                muting.mutesNotification(of: alert) {
                    let notified =
                        notifiedFiring
                        ?? log.allEntries.reduce(into: Set<Fingerprint>()) { $0.formUnion($1.firingAlerts) }
                    notifiedFiring = notified
                    return notified.contains(alert.fingerprint)
                }
            },
            isAcknowledged: { acknowledgements.acknowledgement(of: $0) != nil })
    }

    private func delivery(for notification: AlertNotification, externalURL: String) -> Delivery {
        switch notification.integration {
        case .webhook(let config):
            return Delivery(
                notification,
                notifier: WebhookNotifier(
                    config: config, externalURL: externalURL,
                    transport: transport))
        }
    }

    private func housekeeping(_ state: inout State, at now: Timestamp) {
        guard state.nextHousekeeping <= now else { return }
        state.nextHousekeeping = now + Self.housekeepingInterval
        state.expiredLog += state.dispatcher.collectLogGarbage(at: now)
        state.alerts = state.alerts.filter { !$0.value.isResolved(at: now - Self.resolvedRetention) }
        state.noticeWrites.forget(keeping: state.alerts)
        if !state.holds.isEmpty { state.holds.collectGarbage(keeping: state.alerts) }
        let forgotten = state.silences.collectGarbage(at: now)
        do {
            try store.deleteSilences(ids: forgotten)
        } catch {
            logger.error("deleting expired silences failed", metadata: ["error": "\(error)"])
        }
    }

    /// Writes notification log changes; what cannot be written now is kept for the next tick.
    private func saveLog(_ entries: [NotificationLogEntry], expired: [NotificationLogEntry]) {
        guard !entries.isEmpty || !expired.isEmpty else { return }
        do {
            try store.saveNotificationLog(entries, deleting: expired)
        } catch {
            logger.error("saving the notification log failed; retrying", metadata: ["error": "\(error)"])
            state.withLock { state in
                state.unsavedLog = entries + state.unsavedLog
                state.expiredLog = expired + state.expiredLog
            }
        }
    }

    /// Writes what the notification log and the notices still hold unsaved (at shutdown).
    public func saveRemainingLog() {
        let (entries, expired, notices) = state.withLock { state in
            let (entries, expired) = state.takeUnsavedLog()
            return (entries, expired, state.noticeWrites.take(from: state.alerts))
        }
        saveLog(entries, expired: expired)
        saveNotices(notices)
    }

    /// The firing alerts a silence that ended since the last tick (by time or expired by hand) muted, and that
    /// nothing mutes now, are notified at their group's next flush (``Dispatcher/renotify(_:)``); each ended
    /// silence is announced (`silence_expired`, ``announce(_:)``).
    private func renotifyAfterSilences(_ state: inout State, at now: Timestamp) {
        let active = Set(state.silences.silences.values.filter { $0.state(at: now) == .active }.map(\.id))
        let before = state.activeSilences ?? active
        state.activeSilences = active
        let ended = before.subtracting(active).compactMap { state.silences.silence(id: $0) }
        guard !ended.isEmpty else { return }
        for silence in ended.sorted(by: { $0.id < $1.id }) {
            announce(.silence(silence, created: false), &state, at: now)
        }
        let muting = muting(state, at: now)
        let firing = state.alerts.values.filter { alert in
            !alert.isResolved(at: now) && ended.contains { $0.matches(alert.labels) }
                && !muting.status(of: alert).isMuted
        }
        state.dispatcher.renotify(Set(firing.map(\.fingerprint)))
    }

    /// Takes the dependency map in force: the firing alerts of agents whose root cause recovered are notified at
    /// their group's next flush (once the rule engine has sent them again, ``DependencyMuting``); those notified
    /// firing before their agent was muted have their resolution sent (an agent forgotten while muted included).
    private func renotifyAfterDependencies(_ state: inout State, at now: Timestamp) {
        let log = state.dispatcher.notificationLog
        let released = state.dependencyMuting.update(state.dependencies, alerts: state.alerts, at: now) { own in
            log.allEntries.reduce(into: Set<Fingerprint>()) { $0.formUnion($1.firingAlerts.intersection(own)) }
        }
        // An agent released because it was forgotten or deleted is not back: its alerts end as its rules resolve them.
        let alerts = state.alerts
        state.dispatcher.renotify(
            released.filter { alerts[$0].map { registry.agent(named: $0.labels["agent"]) != nil } ?? false })
    }

    /// Reports what mutes each firing alert to the history, at most once a second and only while some episode
    /// fires.
    private func reportMutingToHistory(_ state: inout State, at now: Timestamp) {
        guard let history, state.nextHistoryMuting <= now, history.hasFiringEpisodes else { return }
        state.nextHistoryMuting = now + .seconds(1)
        let muting = muting(state, at: now)
        var flags: [Fingerprint: EpisodeMuting] = [:]
        for alert in state.alerts.values where !alert.isResolved(at: now) {
            let status = muting.status(of: alert)
            var muted = EpisodeMuting(silencedBy: status.silencedBy)
            if !status.inhibitedBy.isEmpty { muted.insert(.inhibited) }
            if status.acknowledgedBy != nil { muted.insert(.acknowledged) }
            if !muted.isEmpty { flags[alert.fingerprint] = muted }
        }
        history.observeMuting(flags, at: now)
    }

    /// The labels every one of `alerts` has with the same value.
    static func sharedLabels(_ alerts: [Alerting.Alert]) -> Labels {
        guard let first = alerts.first else { return .empty }
        return Labels(
            first.labels.labels.filter { label in alerts.allSatisfy { $0.labels[label.name] == label.value } })
    }

    /// What mutes alerts at `now`: silences, inhibition among the current alerts, killed agents, recovery holds,
    /// dependencies down.
    func muting(_ state: State, at now: Timestamp) -> Muting {
        var muting = Muting(
            silences: state.silences, inhibition: state.inhibitor.evaluate(Array(state.alerts.values), at: now),
            registry: registry, holds: state.holds, acknowledgements: state.acknowledgements, at: now)
        muting.dependencies = state.dependencies
        muting.dependencyMuting = state.dependencyMuting
        return muting
    }

    /// Deliveries queued or running.
    var deliveryBacklog: Int { deliveries.backlog }

    /// Returns when every notification handed to delivery so far has finished; its outcome is applied by the
    /// next ``tick()``.
    public func deliveriesSettled() async {
        await deliveries.settled()
    }
}

extension AlertRouter.State {
    /// Keeps `map` unless the map held is newer (a tick and an evaluation may have fetched theirs in either order).
    mutating func takeNewer(_ map: DependencyMap) {
        if map.version >= dependencies.version { dependencies = map }
    }

    /// Keeps `alert` as Alertmanager's alert store does (merged with the one held when their activity ranges
    /// overlap) and returns what is kept.
    mutating func store(_ alert: Alerting.Alert, at now: Timestamp) -> Alerting.Alert {
        let kept = alert.storing(over: alerts[alert.fingerprint], at: now)
        alerts[alert.fingerprint] = kept
        return kept
    }

    /// The notification log entries to write and to delete, taken from the dispatcher and from earlier writes
    /// that failed; a write that fails again puts them back.
    mutating func takeUnsavedLog() -> (entries: [NotificationLogEntry], expired: [NotificationLogEntry]) {
        let entries = unsavedLog + dispatcher.takeLogUpdates(), expired = expiredLog
        unsavedLog = []
        expiredLog = []
        return (entries, expired)
    }
}

/// The outcomes of finished deliveries, collected by the delivery queue's workers and applied by ``AlertRouter/tick()``.
final class DeliveryOutcomes: Sendable {
    struct Outcome: Sendable {
        var id: UInt64
        var succeeded: Bool
    }

    /// Protects the outcomes not yet applied.
    private let finished = Mutex<[Outcome]>([])

    func append(id: UInt64, succeeded: Bool) {
        finished.withLock { $0.append(Outcome(id: id, succeeded: succeeded)) }
    }

    func takeAll() -> [Outcome] {
        finished.withLock { outcomes in
            defer { outcomes = [] }
            return outcomes
        }
    }
}

extension NotifyResult {
    /// The error's text, empty on success.
    var errorText: String {
        switch self {
        case .success: ""
        case .retryable(let error), .permanent(let error): "\(error)"
        }
    }
}
