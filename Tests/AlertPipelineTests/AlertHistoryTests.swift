import Alerting
import Logging
import Model
import TestSupport
import Testing

@testable import AlertPipeline

/// The alert history with a manual clock and in-memory storage: the time an episode spends in each phase, its
/// peak, its end, what survives a restart, and the notification attempts.
struct AlertHistoryTests {
    let clock = ManualClock()
    let storage = InMemoryStorage()
    let labels = Labels([Label("alertname", "AgentDown"), Label("agent", "a")])

    func history() throws -> AlertHistory {
        try AlertHistory(store: storage, clock: clock, logger: Logger(label: "test"))
    }

    func observe(
        _ history: AlertHistory, _ phase: EpisodePhase, since start: Timestamp, firedAfter: Int? = nil,
        value: Double = 1
    ) {
        history.observe([
            RuleAlertObservation(
                labels: labels, phase: phase, activeAt: start, firedAt: firedAfter.map { start + .seconds($0) },
                resolvedAt: phase == .resolved ? clock.now() : nil, value: value)
        ])
    }

    func stored() throws -> [AlertEpisode] {
        try storage.alertEpisodes(HistoryQuery()).items
    }

    @Test func anEpisodeCountsItsTimePerPhaseItsPeakAndItsEnd() throws {
        let history = try history()
        let start = clock.now()
        observe(history, .pending, since: start, value: 3)
        clock.advance(by: 60)
        observe(history, .firing, since: start, firedAfter: 60, value: 7)
        clock.advance(by: 60)
        history.observeMuting([labels.fingerprint: [.silenced, .killed]], at: clock.now())
        clock.advance(by: 90)
        history.observeMuting([labels.fingerprint: [.acknowledged]], at: clock.now())
        clock.advance(by: 30)
        history.observeMuting([:], at: clock.now())
        clock.advance(by: 60)
        observe(history, .resolved, since: start, firedAfter: 60, value: 5)
        history.flush()

        let episode = try #require(try stored().first)
        #expect(episode.startedAt == start && episode.firedAt == start + .seconds(60))
        #expect(episode.resolvedAt == start + .seconds(300))
        #expect(episode.peakValue == 7)
        #expect(episode.times.pending == .seconds(60))
        #expect(episode.times.firing == .seconds(240))
        #expect(episode.times.silenced == .seconds(90) && episode.times.killed == .seconds(90))
        #expect(episode.times.acknowledged == .seconds(30))
        #expect(episode.times.inhibited == .zero)
        #expect(try storage.loadOpenEpisodes().isEmpty)
    }

    @Test func anOpenEpisodeCarriesOnAfterARestartCountingTheDowntimeInItsPhase() throws {
        let start = clock.now()
        let first = try history()
        observe(first, .firing, since: start, firedAfter: 0)
        clock.advance(by: 100)
        observe(first, .firing, since: start, firedAfter: 0)
        first.flush()  // what a kill -9 leaves: the last write of the maintenance thread
        #expect(try storage.loadOpenEpisodes().map(\.times.firing) == [.seconds(100)])

        clock.advance(by: 300)  // down
        let second = try history()
        observe(second, .firing, since: start, firedAfter: 0)
        clock.advance(by: 100)
        observe(second, .resolved, since: start, firedAfter: 0)
        second.flush()
        let episode = try #require(try stored().first)
        #expect(try stored().count == 1, "the same episode, not a second one")
        #expect(episode.times.firing == .seconds(500))
        #expect(episode.resolvedAt == start + .seconds(500))
    }

    @Test func openEpisodesAreListedWithTheirTimeUpToNowAndWrittenEveryRefresh() throws {
        let history = try history()
        let start = clock.now()
        observe(history, .firing, since: start, firedAfter: 0)
        history.flush()
        clock.advance(by: 5)
        #expect(try history.episodes(HistoryQuery()).items.first?.times.firing == .seconds(5), "live")
        clock.advance(by: 5)
        history.flush()
        #expect(try stored().first?.times.firing == .seconds(10), "written at the refresh interval")
    }

    @Test func aNewActivationAfterAResolutionIsANewEpisode() throws {
        let history = try history()
        let first = clock.now()
        observe(history, .firing, since: first, firedAfter: 0)
        clock.advance(by: 60)
        observe(history, .resolved, since: first, firedAfter: 0)
        clock.advance(by: 60)
        observe(history, .firing, since: clock.now(), firedAfter: 0)
        history.flush()
        #expect(try stored().map(\.resolvedAt) == [nil, first + .seconds(60)])
    }

    @Test func notificationAttemptsAreKeptWithTheirNumberAndResult() throws {
        let history = try history()
        var delivery = Delivery(id: 1, receiver: "team", integration: "webhook", deadline: clock.now()) { _ in
            .success
        }
        delivery.summary = DeliverySummary(
            groupKey: "{}:{agent=\"a\"}", groupLabels: Labels([Label("agent", "a")]), status: "resolved",
            alertCount: 2)
        delivery.attemptNumber = 1
        history.recordAttempt(delivery, result: .retryable(NotifyError("unexpected status code 503")))
        clock.advance(by: 1)
        delivery.attemptNumber = 2
        history.recordAttempt(delivery, result: .success)
        history.flush()
        let attempts = try storage.notificationAttempts(HistoryQuery()).items
        #expect(attempts.map(\.attempt) == [2, 1], "newest first")
        #expect(attempts.map(\.result) == ["success", "retryable_error"])
        #expect(attempts.first?.status == "resolved" && attempts.first?.receiver == "team")
        #expect(attempts.last?.error.contains("503") == true)
    }

    @Test func whatIsPastTheRetentionIsDeleted() throws {
        let history = try history()
        history.retention = .hours(1)
        let start = clock.now()
        observe(history, .firing, since: start, firedAfter: 0)
        clock.advance(by: 60)
        observe(history, .resolved, since: start, firedAfter: 0)
        history.flush()
        #expect(try stored().count == 1)
        clock.advance(by: 3600 + 600)
        history.flush()
        #expect(try stored().isEmpty)
    }
}
