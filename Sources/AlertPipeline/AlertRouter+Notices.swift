import Alerting
import Model

/// Notices (`notices:`): events announced through the route tree as short-lived informational alerts.
///
/// Call ``announce(_:)`` when an event happens outside the router (the agents API does for kills and
/// resumes); the router announces silences created and ended and acknowledgements itself. A notice fires from
/// the moment it is announced until the first notification carrying it is handed out (then it resolves, and the
/// resolution goes out at its group's next flush for receivers that send resolved alerts), or for
/// ``noticeLifetime`` when nothing notifies it (muted, or routed to a receiver without integrations).
///
/// Notices are kept in storage (``NoticeStorage``) from their announcement until the router forgets them (resolved
/// for ``resolvedRetention``): a notice notified firing before a restart is resolved, and its resolution notified,
/// after it, as the rule engine's alerts are.
extension AlertRouter {
    /// How long a notice that no notification carries stays firing.
    static let noticeLifetime = PrometheusDuration.minutes(5)

    /// Announces `notice` when the `notices:` section lists its event; does nothing otherwise.
    public func announce(_ notice: Notice) {
        let now = clock.now()
        state.withLock { announce(notice, &$0, at: now) }
        saveAnnouncedNotices()
    }

    /// Writes the notices just announced at once, not at the next tick: on a node of a cluster that does not lead
    /// (and never ticks), that is how the leader learns of them (``adoptStoredNotices()``).
    func saveAnnouncedNotices() {
        saveNotices(state.withLock { $0.noticeWrites.take(from: $0.alerts) })
    }

    /// Takes in the notices another node of the cluster announced (issue 20): the stored ones this node does not hold
    /// join their groups, as at a start, and are notified from here.
    /// - Throws: ``StorageError`` when they cannot be read.
    public func adoptStoredNotices() throws(StorageError) {
        let stored = try store.loadNotices()
        let now = clock.now()
        state.withLock { state in
            let unknown = stored.filter { !state.noticeWrites.kept.contains($0.fingerprint) }
            Self.restore(unknown, into: &state, at: now)
        }
    }

    func announce(_ notice: Notice, _ state: inout State, at now: Timestamp) {
        guard let settings = state.settings.notices, settings.events.contains(notice.event) else { return }
        let alert = state.store(notice.alert(at: now), at: now)
        state.openNotices[alert.fingerprint] = now
        state.noticeWrites.changed(alert.fingerprint)
        state.dispatcher.insert([alert], at: now)
    }

    /// Resolves the open notices that `notified` carried firing, and those older than ``noticeLifetime``.
    func resolveNotices(_ state: inout State, notified: [AlertNotification], at now: Timestamp) {
        guard !state.openNotices.isEmpty else { return }
        let carried = Set(notified.flatMap(\.firing))
        let done = state.openNotices.filter { carried.contains($0.key) || $0.value + Self.noticeLifetime <= now }
        var resolved: [Alerting.Alert] = []
        for fingerprint in done.keys {
            state.openNotices[fingerprint] = nil
            guard var alert = state.alerts[fingerprint] else { continue }
            alert.endsAt = now
            alert.updatedAt = now
            resolved.append(state.store(alert, at: now))
            state.noticeWrites.changed(fingerprint)
        }
        state.dispatcher.insert(resolved, at: now)
    }

    /// The configured route tree, with a first child that sends every notice to the notices' receiver when
    /// the section names one.
    static func routeConfig(_ settings: Settings) -> RouteConfig {
        var config = settings.config?.route ?? RouteConfig()
        guard let receiver = settings.notices?.receiver,
            let matcher = try? LabelMatcher(.equal, "alertname", Notice.alertname)
        else { return config }
        var notices = RouteConfig()
        notices.receiver = receiver
        notices.matchers = [matcher]
        config.routes.insert(notices, at: 0)
        return config
    }

    /// Takes the stored notices back after a start: those not yet resolved fire for what is left of
    /// ``noticeLifetime``, and join their aggregation groups again with the resolved ones whose resolution is still
    /// to be sent (notified firing, not yet resolved, says the notification log). A resolved notice no receiver is
    /// waiting to hear the end of stays out of the groups, as Alertmanager drops an alert from its group once its
    /// resolution is sent: it would otherwise ride along in the group's next notification.
    static func restore(_ notices: [Alerting.Alert], into state: inout State, at now: Timestamp) {
        let entries = state.dispatcher.notificationLog.allEntries
        var rejoining: [Alerting.Alert] = []
        for notice in notices {
            state.alerts[notice.fingerprint] = notice
            state.noticeWrites.kept.insert(notice.fingerprint)
            guard notice.endsAt != nil else {
                state.openNotices[notice.fingerprint] = notice.startsAt
                rejoining.append(notice)
                continue
            }
            let awaited = entries.contains {
                $0.firingAlerts.contains(notice.fingerprint) && !$0.resolvedAlerts.contains(notice.fingerprint)
            }
            if awaited { rejoining.append(notice) }
        }
        state.dispatcher.insert(rejoining, at: now)
    }

    /// Writes the notices announced or resolved, and deletes those forgotten, since the last call; what cannot be
    /// written now is kept for the next tick.
    func saveNotices(_ writes: NoticeWrites.Batch) {
        guard !writes.notices.isEmpty || !writes.ended.isEmpty else { return }
        do {
            try store.saveNotices(writes.notices, deleting: writes.ended)
        } catch {
            logger.error("saving notices failed; retrying", metadata: ["error": "\(error)"])
            state.withLock { $0.noticeWrites.retry(writes) }
        }
    }
}

/// The notices to write to storage and to delete from it (``AlertRouter/saveNotices(_:)``).
struct NoticeWrites {
    /// What one write carries: the notices as they are now, and the fingerprints of those to delete.
    struct Batch {
        var notices: [Alerting.Alert]
        var ended: [Fingerprint]
    }

    /// The notices in storage, or to be written there.
    var kept: Set<Fingerprint> = []
    private var changes: Set<Fingerprint> = []
    private var ended: Set<Fingerprint> = []

    /// Notes a notice announced or resolved.
    mutating func changed(_ fingerprint: Fingerprint) {
        kept.insert(fingerprint)
        changes.insert(fingerprint)
    }

    /// Notes the notices the router no longer holds (`alerts`), to delete.
    mutating func forget(keeping alerts: [Fingerprint: Alerting.Alert]) {
        for fingerprint in kept where alerts[fingerprint] == nil {
            kept.remove(fingerprint)
            changes.remove(fingerprint)
            ended.insert(fingerprint)
        }
    }

    /// The writes due, taken from the router's `alerts`.
    mutating func take(from alerts: [Fingerprint: Alerting.Alert]) -> Batch {
        defer {
            changes = []
            ended = []
        }
        return Batch(notices: changes.sorted().compactMap { alerts[$0] }, ended: ended.sorted())
    }

    /// Puts back a batch whose write failed (a notice changed since keeps its newer version).
    mutating func retry(_ batch: Batch) {
        for notice in batch.notices where kept.contains(notice.fingerprint) { changes.insert(notice.fingerprint) }
        ended.formUnion(batch.ended.filter { !kept.contains($0) })
    }
}
