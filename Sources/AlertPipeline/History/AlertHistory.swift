import Alerting
import Foundation
import Logging
import Model
import Synchronization

/// The durable alert history: every alert episode (``AlertEpisode``) and every notification attempt
/// (``NotificationAttempt``), kept for ``retention`` in ``AlertHistoryStorage``.
///
/// The rule engine reports its alerts after each evaluation (``observe(_:)``), the alert router what mutes them
/// (at most once a second, from its tick) and each delivery attempt; all three only change memory under a short
/// lock. ``flush()``, called from the maintenance thread, writes what changed in one transaction (open episodes'
/// times at least every ``refreshInterval``) and deletes what is past the retention, so neither the rule
/// evaluation nor the dispatcher waits for storage. A write that fails is tried again at the next flush.
public final class AlertHistory: Sendable {
    /// `history.retention`'s default.
    public static let defaultRetention = PrometheusDuration.hours(30 * 24)
    /// Open episodes' times are written at least this often.
    public static let refreshInterval = PrometheusDuration.seconds(10)
    /// What is past the retention is deleted this often.
    static let cleanupInterval = PrometheusDuration.minutes(10)

    struct State {
        var book: EpisodeBook
        var unsavedEpisodes: [String: AlertEpisode] = [:]
        var unsavedAttempts: [NotificationAttempt] = []
        var retention: PrometheusDuration
        var nextRefresh = Timestamp.epoch
        var nextCleanup = Timestamp.epoch
    }

    private let store: any AlertHistoryStorage
    private let clock: any WallClock
    private let logger: Logger
    /// Protects the open episodes, what is not written yet and the retention.
    private let state: Mutex<State>

    /// Creates the history and carries on the episodes `store` holds open.
    /// - Throws: ``StorageError`` when they cannot be read.
    public init(
        store: any AlertHistoryStorage, clock: any WallClock, logger: Logger,
        retention: PrometheusDuration = AlertHistory.defaultRetention
    ) throws(StorageError) {
        self.store = store
        self.clock = clock
        self.logger = logger
        state = Mutex(State(book: EpisodeBook(open: try store.loadOpenEpisodes()), retention: retention))
    }

    /// How long episodes and attempts are kept (`history.retention`); a reload may change it.
    public var retention: PrometheusDuration {
        get { state.withLock { $0.retention } }
        set { state.withLock { $0.retention = newValue } }
    }

    /// Takes the rule engine's view of its alerts after an evaluation.
    public func observe(_ observations: [RuleAlertObservation]) {
        guard !observations.isEmpty else { return }
        let now = clock.now()
        state.withLock { state in
            state.book.observe(observations, at: now)
            state.keepChanged()
        }
    }

    /// Whether some open episode fires (the router reports muting only then).
    var hasFiringEpisodes: Bool {
        state.withLock { $0.book.open.values.contains { $0.phase == .firing } }
    }

    /// Takes what mutes the alerts the router holds at `now` (absent: not muted).
    func observeMuting(_ muting: [Fingerprint: EpisodeMuting], at now: Timestamp) {
        state.withLock { state in
            state.book.observeMuting(muting, at: now)
            state.keepChanged()
        }
    }

    /// Records one delivery attempt and its result.
    func recordAttempt(_ delivery: Delivery, result: NotifyResult) {
        let attempt = NotificationAttempt(
            id: UUID().uuidString.lowercased(), receiver: delivery.receiver, integration: delivery.integration,
            groupKey: delivery.summary.groupKey, groupLabels: delivery.summary.groupLabels, at: clock.now(),
            status: delivery.summary.status, result: result.label, attempt: delivery.attemptNumber,
            error: result.errorText, alertCount: delivery.summary.alertCount)
        state.withLock { $0.unsavedAttempts.append(attempt) }
    }

    /// Writes what changed and, when due, deletes what is past the retention (the maintenance thread calls it).
    public func flush() {
        let now = clock.now()
        let (episodes, attempts, cutoff) = state.withLock { state in
            if state.nextRefresh <= now {
                state.nextRefresh = now + Self.refreshInterval
                state.book.accountAll(at: now)
                state.keepChanged()
            }
            var cutoff: Timestamp?
            if state.nextCleanup <= now {
                state.nextCleanup = now + Self.cleanupInterval
                cutoff = now - state.retention
            }
            defer {
                state.unsavedEpisodes = [:]
                state.unsavedAttempts = []
            }
            return (state.unsavedEpisodes.values.sorted { $0.id < $1.id }, state.unsavedAttempts, cutoff)
        }
        save(episodes, attempts)
        guard let cutoff else { return }
        do {
            try store.deleteAlertHistory(before: cutoff)
        } catch {
            logger.error("deleting old alert history failed", metadata: ["error": "\(error)"])
        }
    }

    private func save(_ episodes: [AlertEpisode], _ attempts: [NotificationAttempt]) {
        guard !episodes.isEmpty || !attempts.isEmpty else { return }
        do {
            try store.saveAlertHistory(episodes: episodes, attempts: attempts)
        } catch {
            logger.error("saving the alert history failed; retrying", metadata: ["error": "\(error)"])
            state.withLock { state in
                for episode in episodes where state.unsavedEpisodes[episode.id] == nil {
                    state.unsavedEpisodes[episode.id] = episode
                }
                state.unsavedAttempts = attempts + state.unsavedAttempts
            }
        }
    }

    /// A page of episodes, newest first; open ones with their times up to now.
    /// - Throws: ``StorageError`` when the history cannot be read.
    public func episodes(_ query: HistoryQuery) throws(StorageError) -> HistoryPage<AlertEpisode> {
        var page = try store.alertEpisodes(query)
        let now = clock.now()
        let live = state.withLock { state in
            var book = state.book
            book.accountAll(at: now)
            return Dictionary(book.open.values.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                .merging(state.unsavedEpisodes) { open, _ in open }
        }
        page.items = page.items.map { live[$0.id] ?? $0 }
        return page
    }

    /// A page of notification attempts, newest first.
    /// - Throws: ``StorageError`` when the history cannot be read.
    public func notificationAttempts(_ query: HistoryQuery) throws(StorageError) -> HistoryPage<NotificationAttempt> {
        try store.notificationAttempts(query)
    }
}

extension AlertHistory.State {
    /// Moves the book's changed episodes to those waiting for the next write.
    mutating func keepChanged() {
        for episode in book.takeChanged() { unsavedEpisodes[episode.id] = episode }
    }
}
