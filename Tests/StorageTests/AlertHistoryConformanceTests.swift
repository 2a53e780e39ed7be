import AlertPipeline
import Model
import Storage
import Testing

/// The alert history's storage promises, on every backend: episodes and attempts come back after a restart, newest
/// first, page by page with a cursor, filtered by time and labels, and go when past the retention.
extension StorageConformanceTests {
    static func episode(_ agent: String, startedAfter minutes: Int, resolvedAfter: Int? = nil) -> AlertEpisode {
        var times = EpisodeTimes()
        times.pending = .minutes(1)
        times.firing = .minutes(4)
        times.silenced = .minutes(2)
        times.killed = .seconds(30)
        let started = start + .minutes(minutes)
        return AlertEpisode(
            labels: Labels([Label("alertname", "AgentDown"), Label("agent", agent)]), startedAt: started,
            firedAt: started + .minutes(1), resolvedAt: resolvedAfter.map { start + .minutes($0) }, peakValue: 2.5,
            times: times, phase: resolvedAfter == nil ? .firing : .resolved,
            muting: resolvedAfter == nil ? [.silenced, .killed] : [], accountedUntil: started + .minutes(5))
    }

    static func attempt(_ id: String, afterMinutes minutes: Int, agent: String) -> NotificationAttempt {
        NotificationAttempt(
            id: id, receiver: "team", integration: "webhook", groupKey: "{}:{agent=\"\(agent)\"}",
            groupLabels: Labels([Label("agent", agent)]), at: start + .minutes(minutes), status: "firing",
            result: minutes == 2 ? "retryable_error" : "success", attempt: minutes == 2 ? 1 : 2,
            error: minutes == 2 ? "unexpected status code 503" : "", alertCount: 1)
    }

    @Test(arguments: Backend.allCases)
    func theAlertHistoryComesBackAfterARestartNewestFirstPageByPage(backend: Backend) throws {
        let opened = Opened(backend)
        let episodes = [
            Self.episode("a", startedAfter: 0, resolvedAfter: 10),
            Self.episode("b", startedAfter: 5, resolvedAfter: 20),
            Self.episode("c", startedAfter: 30),
        ]
        let attempts = [
            Self.attempt("x1", afterMinutes: 2, agent: "a"), Self.attempt("x2", afterMinutes: 3, agent: "a"),
            Self.attempt("x3", afterMinutes: 31, agent: "c"),
        ]
        try opened.open().saveAlertHistory(episodes: episodes, attempts: attempts)
        let storage = try opened.open()
        #expect(try storage.loadOpenEpisodes() == [episodes[2]])

        let first = try storage.alertEpisodes(HistoryQuery(limit: 2))
        #expect(first.items == [episodes[2], episodes[1]])
        let cursor = try #require(first.next)
        #expect(HistoryCursor(cursor.description) == cursor)
        let second = try storage.alertEpisodes(HistoryQuery(limit: 2, cursor: cursor))
        #expect(second.items == [episodes[0]] && second.next == nil)

        let since = HistoryRange(since: Self.start + .minutes(15))
        #expect(try storage.alertEpisodes(HistoryQuery(range: since)).items.map(\.labels["agent"]) == ["c", "b"])
        let until = HistoryRange(until: Self.start + .minutes(4))
        #expect(try storage.alertEpisodes(HistoryQuery(range: until)).items.map(\.labels["agent"]) == ["a"])
        let onlyB = [[try LabelMatcher(.equal, "agent", "b")]]
        #expect(try storage.alertEpisodes(HistoryQuery(matchers: onlyB, limit: 1)).items == [episodes[1]])

        #expect(try storage.notificationAttempts(HistoryQuery()).items == attempts.reversed())
        let onlyA = [[try LabelMatcher(.equal, "agent", "a")]]
        let page = try storage.notificationAttempts(HistoryQuery(matchers: onlyA, limit: 1))
        #expect(page.items == [attempts[1]])
        #expect(
            try storage.notificationAttempts(HistoryQuery(matchers: onlyA, cursor: page.next)).items == [attempts[0]])

        try storage.deleteAlertHistory(before: Self.start + .minutes(15))
        #expect(try opened.open().alertEpisodes(HistoryQuery()).items == [episodes[2], episodes[1]])
        #expect(try opened.open().notificationAttempts(HistoryQuery()).items == [attempts[2]])
    }
}
