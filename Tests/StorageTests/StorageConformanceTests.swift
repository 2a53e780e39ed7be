import AlertPipeline
import Alerting
import Cron
import Fleet
import Model
import Recovery
import RuleManager
import Rules
import Storage
import Synchronization
import TestSupport
import Testing

/// The storage protocols' promises, held by every backend: SQLite (reopened from its file, as after a restart),
/// PostgreSQL (a real server started for the test, connected to anew, as after a restart) and the in-memory storage
/// unit tests use in its place.
struct StorageConformanceTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres, memory

        var testDescription: String { rawValue }
    }

    /// A backend and a way to open it again, as a restart would.
    final class Opened: Sendable {
        let directory = TestPaths.temporaryDirectory("storage")
        let memory = InMemoryStorage()
        let backend: Backend
        /// The PostgreSQL server of a `.postgres` backend, started by the first `open()` and stopped with this value.
        private let server = Mutex<PostgresServer?>(nil)

        init(_ backend: Backend) {
            self.backend = backend
        }

        func open() throws -> any ExporterStorageForTests {
            switch backend {
            case .sqlite: return try SQLiteStorage(directory: directory)
            case .postgres: return try PostgresStorage(connectionString: try postgres().connectionString)
            case .memory: return memory
            }
        }

        private func postgres() throws -> PostgresServer {
            try server.withLock { server in
                if let server { return server }
                let started = try PostgresServer()
                server = started
                return started
            }
        }
    }

    static let start = Timestamp(milliseconds: 1_764_108_000_123)

    static func alert(_ agent: String, state: AlertState, resolvedAt: Timestamp? = nil) -> Rules.Alert {
        Rules.Alert(
            labels: Labels([Label("alertname", "AgentDown"), Label("agent", agent)]),
            annotations: Labels([Label("summary", "\(agent) is down")]), state: state, activeAt: start,
            firedAt: state == .pending ? nil : start + .minutes(1), resolvedAt: resolvedAt,
            lastSentAt: start + .minutes(2), validUntil: start + .minutes(6), keepFiringSince: nil, value: 0.25)
    }

    @Test(arguments: Backend.allCases)
    func alertsOfARuleGroupAreReplacedTogetherAndComeBack(backend: Backend) throws {
        let opened = Opened(backend)
        let firing = SavedAlert(file: "f.yml", group: "g", rule: "AgentDown", alert: Self.alert("a", state: .firing))
        let pending = SavedAlert(file: "f.yml", group: "g", rule: "AgentDown", alert: Self.alert("b", state: .pending))
        let other = SavedAlert(file: "f.yml", group: "h", rule: "Other", alert: Self.alert("c", state: .firing))
        try opened.open().saveAlerts(file: "f.yml", group: "g", [firing, pending])
        try opened.open().saveAlerts(file: "f.yml", group: "h", [other])
        #expect(
            try opened.open().loadAlerts().sorted { $0.alert.labels < $1.alert.labels } == [firing, pending, other])

        let resolved = SavedAlert(
            file: "f.yml", group: "g", rule: "AgentDown",
            alert: Self.alert("a", state: .inactive, resolvedAt: Self.start + .minutes(3)))
        try opened.open().saveAlerts(file: "f.yml", group: "g", [resolved])
        #expect(try opened.open().loadAlerts().sorted { $0.alert.labels < $1.alert.labels } == [resolved, other])
    }

    @Test(arguments: Backend.allCases)
    func theRuleHistoryCheckpointIsReplacedWholeAndComesBack(backend: Backend) throws {
        let opened = Opened(backend)
        #expect(try opened.open().loadRuleHistory() == nil)
        let large = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try opened.open().saveRuleHistory(large)
        #expect(try opened.open().loadRuleHistory() == large)
        try opened.open().saveRuleHistory([1, 0])
        #expect(try opened.open().loadRuleHistory() == [1, 0])
    }

    @Test(arguments: Backend.allCases)
    func silencesAreSavedReplacedAndDeleted(backend: Backend) throws {
        let opened = Opened(backend)
        let matchers = [try LabelMatcher.alertmanager(.regexMatch, "agent", "order-.*")]
        let silence = Silence(
            id: "s1", matchers: matchers, startsAt: Self.start, endsAt: Self.start + .hours(2),
            updatedAt: Self.start, createdBy: "alice", comment: "deploy")
        var other = silence
        other.id = "s2"
        try opened.open().saveSilences([silence, other])
        #expect(try opened.open().loadSilences() == [silence, other])
        var expired = silence
        expired.endsAt = Self.start + .minutes(5)
        try opened.open().saveSilences([expired])
        try opened.open().deleteSilences(ids: ["s2"])
        #expect(try opened.open().loadSilences() == [expired])
    }

    @Test(arguments: Backend.allCases)
    func theNotificationLogKeepsOneEntryPerGroupAndIntegration(backend: Backend) throws {
        let opened = Opened(backend)
        let key = IntegrationKey(receiver: "team", integration: "webhook", index: 0)
        let first = NotificationLogEntry(
            integration: key, groupKey: "{}:{alertname=\"AgentDown\"}", timestamp: Self.start,
            firingAlerts: [Fingerprint(1), Fingerprint(2)], resolvedAlerts: [], expiresAt: Self.start + .hours(8))
        var later = first
        later.timestamp = Self.start + .minutes(5)
        later.firingAlerts = [Fingerprint(2)]
        later.resolvedAlerts = [Fingerprint(1)]
        var otherGroup = first
        otherGroup.groupKey = "{}:{alertname=\"Stuck\"}"
        try opened.open().saveNotificationLog([first, otherGroup], deleting: [])
        try opened.open().saveNotificationLog([later], deleting: [otherGroup])
        #expect(try opened.open().loadNotificationLog() == [later])
    }

    @Test(arguments: Backend.allCases)
    func agentsAndTheirHistoryComeBack(backend: Backend) throws {
        let opened = Opened(backend)
        let registry = AgentRegistry()
        _ = try registry.ingest(Heartbeat(agent: "w-1", agentType: "worker"), at: Self.start)
        try registry.kill("w-1", action: OperatorAction(reason: "loop", by: "alice", at: Self.start + .seconds(5)))
        _ = try registry.ingest(Heartbeat(agent: "w-2"), at: Self.start)
        try opened.open().apply(registry.drainChanges())
        #expect(try opened.open().loadAgents().map(\.name) == ["w-1", "w-2"])
        #expect(
            try opened.open().history(of: "w-1", limit: 10).map(\.reason) == [
                "first heartbeat", "killed by alice: loop",
            ])
        var changes = FleetChanges()
        changes.deletions = ["w-2"]
        try opened.open().apply(changes)
        #expect(try opened.open().loadAgents().map(\.name) == ["w-1"])
        #expect(try opened.open().history(of: "w-2", limit: 10).isEmpty)
    }

    /// A restart reads every agent's newest transitions at once: each agent gets its own, oldest first, no more
    /// than the limit, and an agent without any gets none.
    @Test(arguments: Backend.allCases)
    func eachAgentComesBackWithItsOwnNewestTransitions(backend: Backend) throws {
        let opened = Opened(backend)
        let registry = AgentRegistry()
        for name in ["a", "b", "c"] { _ = try registry.ingest(Heartbeat(agent: name), at: Self.start) }
        var changes = registry.drainChanges()
        changes.transitions = []
        let states: [HealthState] = [.healthy, .degraded, .unreachable, .healthy, .degraded]
        for (agent, count) in [("a", 5), ("b", 2)] {
            for step in 0..<count {
                changes.transitions.append(
                    Transition(
                        agent: agent, from: step == 0 ? nil : states[step - 1], to: states[step],
                        at: Self.start + .seconds(Double(step)), reason: "\(agent) \(step)"))
            }
        }
        changes.transitions.sort { $0.at < $1.at }  // the two agents' transitions interleaved, as written
        try opened.open().apply(changes)

        let histories = Dictionary(
            uniqueKeysWithValues: try opened.open().loadAgents(historyLimit: 3).map { ($0.name, $0.history) })
        #expect(histories["a"]?.map(\.reason) == ["a 2", "a 3", "a 4"])
        #expect(histories["a"]?.map(\.to) == [.unreachable, .healthy, .degraded])
        #expect(histories["a"]?.first?.from == .degraded)
        #expect(histories["b"]?.map(\.reason) == ["b 0", "b 1"])
        #expect(histories["c"]?.isEmpty == true)
    }

    @Test(arguments: Backend.allCases)
    func aResumedAgentStillCountsItsSilenceFromTheResumeAfterARestart(backend: Backend) throws {
        let opened = Opened(backend)
        let registry = AgentRegistry()
        _ = try registry.ingest(Heartbeat(agent: "w-1"), at: Self.start)
        try registry.kill("w-1", action: OperatorAction(at: Self.start + .seconds(5)))
        let resumedAt = Self.start + .hours(1)
        try registry.resume("w-1", action: OperatorAction(at: resumedAt))
        try opened.open().apply(registry.drainChanges())

        let restarted = AgentRegistry()
        restarted.restore(try opened.open().loadAgents())
        let agent = try #require(restarted.agent(named: "w-1"))
        #expect(agent.state(at: resumedAt + .seconds(89), policy: .standard) == .healthy)
        #expect(agent.state(at: resumedAt + .seconds(90), policy: .standard) == .degraded)
    }

    /// The schedule an agent's beats carried survives a restart, and so does the judgement it gives: the restored
    /// agent is late at the same instant.
    @Test(arguments: Backend.allCases)
    func anAgentsScheduleComesBackAfterARestart(backend: Backend) throws {
        let opened = Opened(backend)
        let schedule = AgentSchedule(
            cron: CronSchedule(
                expression: try CronExpression(parsing: "0 3 * * MON-FRI"),
                timeZone: try ScheduleTimeZone(identifier: "America/New_York")),
            grace: .seconds(1_800))
        let registry = AgentRegistry()
        _ = try registry.ingest(
            Heartbeat(agent: "nightly", intervalSeconds: 86_400, schedule: schedule), at: Self.start)
        try opened.open().apply(registry.drainChanges())

        let restarted = AgentRegistry()
        restarted.restore(try opened.open().loadAgents())
        let agent = try #require(restarted.agent(named: "nightly"))
        #expect(agent.schedule == schedule)
        let before = try #require(registry.agent(named: "nightly")?.judgement(.standard).schedule)
        #expect(agent.judgement(.standard).schedule?.lateAt == before.lateAt)
        #expect(agent.state(at: before.lateAt - .seconds(1), policy: .standard) == .healthy)
        #expect(agent.state(at: before.lateAt, policy: .standard) == .degraded)
    }

    /// A job's last run (result, start, finish, exit code, output), its open run with its max runtime and its
    /// schedule's max runtime survive a restart.
    @Test(arguments: Backend.allCases)
    func anAgentsRunsComeBackAfterARestart(backend: Backend) throws {
        let opened = Opened(backend)
        let schedule = AgentSchedule(
            cron: CronSchedule(expression: try CronExpression(parsing: "0 3 * * *"), timeZone: .utc),
            maxRuntime: .hours(2))
        let registry = AgentRegistry()
        var start = Heartbeat(agent: "backup", schedule: schedule)
        start.run = RunSignal(phase: .start)
        _ = try registry.ingest(start, at: Self.start)
        var finish = Heartbeat(agent: "backup", tasks: [TaskReport(success: false)])
        finish.run = RunSignal(exitCode: 3, output: "copying\ndisk full ✗\n")
        _ = try registry.ingest(finish, at: Self.start + .seconds(95))
        var next = Heartbeat(agent: "backup")
        next.run = RunSignal(phase: .start, maxRuntime: .minutes(30))
        _ = try registry.ingest(next, at: Self.start + .hours(1))
        try opened.open().apply(registry.drainChanges())

        let restarted = AgentRegistry()
        restarted.restore(try opened.open().loadAgents())
        let agent = try #require(restarted.agent(named: "backup"))
        #expect(
            agent.lastRun
                == FinishedRun(
                    startedAt: Self.start, finishedAt: Self.start + .seconds(95), success: false, exitCode: 3,
                    output: "copying\ndisk full ✗\n"))
        #expect(agent.lastRun?.duration == .seconds(95))
        #expect(agent.openRun == OpenRun(startedAt: Self.start + .hours(1), maxRuntime: .minutes(30)))
        #expect(agent.schedule?.maxRuntime == .hours(2))
    }
}

/// Every storage protocol, as the exporter needs them (Server's `ExporterStorage`, without importing Server).
typealias ExporterStorageForTests = AgentStorage & AlertStateStorage & RuleHistoryStorage & SilenceStorage
    & NotificationLogStorage & RecoveryStorage & AcknowledgementStorage & AlertHistoryStorage & ActivityStorage
    & NoticeStorage
