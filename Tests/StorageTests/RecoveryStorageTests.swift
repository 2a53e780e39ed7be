import Alerting
import Model
import Recovery
import Testing

/// `RecoveryStorage` on every backend: a run comes back as saved, with its steps, from a reopened storage; which
/// runs are loaded after a restart; old runs are deleted but each agent's latest is kept.
struct RecoveryStorageTests {
    typealias Backend = StorageConformanceTests.Backend
    static let start = StorageConformanceTests.start

    /// A run of `agent` started `minutes` after the start, with a failed restart, ended as `outcome` (nil: goes on).
    static func run(_ agent: String, minutes: Int, outcome: RecoveryRun.Outcome? = nil) -> RecoveryRun {
        let began = start + .minutes(minutes)
        var run = RecoveryRun(agent: agent, ladder: "workers", trigger: .unreachable, startedAt: began)
        run.started(step: 0, name: "restart", at: began)
        run.finished(
            at: began + .milliseconds(412), outcome: .failure, summary: "exit 1 after 0.4 s",
            output: "unit agent@\(agent).service not found\n")
        if let outcome { run.end(outcome, at: began + .minutes(2)) }
        return run
    }

    @Test(arguments: Backend.allCases)
    func aRunComesBackAsSavedWithItsSteps(backend: Backend) throws {
        let opened = StorageConformanceTests.Opened(backend)
        var run = Self.run("w1", minutes: 0)
        try opened.open().saveRecoveryRun(run)
        run.started(step: 1, name: "replace", at: Self.start + .minutes(2))
        try opened.open().saveRecoveryRun(run)
        #expect(try opened.open().loadRecoveryRuns(startedSince: Self.start) == [run])

        run.finished(at: Self.start + .minutes(3), outcome: .timeout, summary: "timed out after 10 s")
        run.end(.recovered(by: "replace"), at: Self.start + .minutes(4))
        try opened.open().saveRecoveryRun(run)
        let loaded = try opened.open().loadRecoveryRuns(startedSince: Self.start)
        #expect(loaded == [run])
        #expect(loaded.first?.steps.map(\.output) == ["unit agent@w1.service not found\n", nil])

        for outcome in [RecoveryRun.Outcome.exhausted, .refused, .cancelled("agent killed")] {
            var other = Self.run("w-\(outcome.result)", minutes: 1)
            other.end(outcome, at: Self.start + .minutes(5), problem: outcome == .exhausted ? "no plan" : nil)
            try opened.open().saveRecoveryRun(other)
            #expect(try opened.open().loadRecoveryRuns(startedSince: Self.start).contains(other))
        }
    }

    /// After a restart the runner needs the runs under way, the last hour's (for `max_runs_per_hour`) and each
    /// agent's latest; older ended runs stay stored until their retention ends, the latest of each agent beyond.
    @Test(arguments: Backend.allCases)
    func runsUnderWayTheLastHoursAndEachAgentsLatestAreLoaded(backend: Backend) throws {
        let opened = StorageConformanceTests.Opened(backend)
        let old = Self.run("w1", minutes: 0, outcome: .exhausted)
        let older = Self.run("w2", minutes: 0, outcome: .recovered(by: "restart"))
        let latestOfW2 = Self.run("w2", minutes: 10, outcome: .recovered(by: "restart"))
        let recent = Self.run("w1", minutes: 100, outcome: .recovered(by: "restart"))
        let underWay = Self.run("w3", minutes: 5)
        for run in [old, older, latestOfW2, recent, underWay] { try opened.open().saveRecoveryRun(run) }
        let sinceAnHourAgo = Self.start + .minutes(60)
        let loaded = try opened.open().loadRecoveryRuns(startedSince: sinceAnHourAgo)
        #expect(Set(loaded.map(\.id)) == Set([latestOfW2, recent, underWay].map(\.id)))

        try opened.open().deleteRecoveryRuns(endedBefore: Self.start + .minutes(50))
        let everything = try opened.open().loadRecoveryRuns(startedSince: .epoch)
        #expect(Set(everything.map(\.id)) == Set([latestOfW2, recent, underWay].map(\.id)))
    }
}

/// `AcknowledgementStorage` on every backend: what is saved comes back from a reopened storage; ended ones are
/// deleted.
struct AcknowledgementStorageTests {
    @Test(arguments: StorageConformanceTests.Backend.allCases)
    func acknowledgementsComeBackAsSavedAndEndedOnesAreDeleted(backend: StorageConformanceTests.Backend) throws {
        let opened = StorageConformanceTests.Opened(backend)
        let start = StorageConformanceTests.start
        let first = Acknowledgement(
            id: "a1", matchers: [try LabelMatcher.alertmanager(.regexMatch, "agent", "w-.*")], createdBy: "alice",
            comment: "on it", createdAt: start, endsAt: start + .hours(2),
            alerts: [Fingerprint(0xdead_beef): start - .minutes(3), Fingerprint(42): start])
        let second = Acknowledgement(
            id: "a2", matchers: [try LabelMatcher.alertmanager(.notEqual, "severity", "info")], createdBy: "bob",
            comment: "", createdAt: start + .seconds(1), alerts: [Fingerprint(7): start])
        try opened.open().saveAcknowledgements([first, second], deleting: [])
        #expect(try opened.open().loadAcknowledgements() == [first, second])
        var changed = first
        changed.alerts = [Fingerprint(42): start]
        try opened.open().saveAcknowledgements([changed], deleting: ["a2"])
        #expect(try opened.open().loadAcknowledgements() == [changed])
    }
}
