import Cron
@testable import Fleet
import Model
import TestSupport
import Testing

/// A nightly job at 03:00 in Europe/Berlin with an hour's grace, judged through the spring-forward night of
/// 2026-03-29 under a manual clock: late once the run is due and its grace has passed, unreachable once a second
/// run is missed, healthy again with its next beat.
struct ScheduledAgentTests {
    let clock = ManualClock(start: Timestamp(seconds: 1_774_663_500))  // 2026-03-28T02:05Z, 03:05 CET
    let nightly: AgentSchedule

    init() throws {
        nightly = AgentSchedule(
            cron: CronSchedule(
                expression: try CronExpression(parsing: "0 3 * * *"),
                timeZone: try ScheduleTimeZone(identifier: "Europe/Berlin")),
            grace: .hours(1))
    }

    func beat(_ registry: AgentRegistry, schedule: AgentSchedule?, agentType: String? = nil) throws {
        _ = try registry.ingest(
            Heartbeat(agent: "nightly-report", agentType: agentType, intervalSeconds: 86_400, schedule: schedule),
            at: clock.now())
    }

    func sweep(_ registry: AgentRegistry, at seconds: Int) -> HealthState? {
        clock.set(Timestamp(seconds: seconds))
        registry.sweep(at: clock.now())
        return registry.agent(named: "nightly-report")?.recordedState
    }

    @Test func aLateRunDegradesAndASecondMissedRunMakesTheAgentUnreachable() throws {
        let registry = AgentRegistry()
        try beat(registry, schedule: nightly)
        // The next run is 03:00 CEST on the spring-forward night: 01:00Z.
        #expect(
            registry.agent(named: "nightly-report")?.scheduleDeadlines?.nextRun == Timestamp(seconds: 1_774_746_000))
        #expect(sweep(registry, at: 1_774_749_599) == .healthy)
        #expect(sweep(registry, at: 1_774_749_600) == .degraded)
        #expect(sweep(registry, at: 1_774_835_999) == .degraded)
        #expect(sweep(registry, at: 1_774_836_000) == .unreachable)
        let reasons = registry.agent(named: "nightly-report")?.history.dropFirst().map(\.reason)
        #expect(
            reasons == [
                "late: the run due at 2026-03-29T01:00:00Z (0 3 * * * (Europe/Berlin)) has not started within its grace of 1h",
                "missed: the runs due at 2026-03-29T01:00:00Z and 2026-03-30T01:00:00Z (0 3 * * * (Europe/Berlin)) "
                    + "have not started within their grace of 1h",
            ])
    }

    /// A job whose run is still open when the next run is due is said to be running since its start, not to have
    /// not started (an operator's trial read "has not started" for a job that had been running for a day).
    @Test func aJobStillRunningPastItsNextRunIsSaidToBeRunning() throws {
        let registry = AgentRegistry()
        var start = Heartbeat(agent: "nightly-report", intervalSeconds: 86_400, schedule: nightly)
        start.run = RunSignal(phase: .start)
        _ = try registry.ingest(start, at: clock.now())
        #expect(sweep(registry, at: 1_774_749_600) == .degraded)
        #expect(sweep(registry, at: 1_774_836_000) == .unreachable)
        let reasons = registry.agent(named: "nightly-report")?.history.dropFirst().map(\.reason)
        #expect(
            reasons == [
                "late: running since 2026-03-28T02:05:00Z and not finished; the next run, due at 2026-03-29T01:00:00Z "
                    + "(0 3 * * * (Europe/Berlin)), has not started within its grace of 1h",
                "missed: running since 2026-03-28T02:05:00Z and not finished; the runs due at 2026-03-29T01:00:00Z "
                    + "and 2026-03-30T01:00:00Z (0 3 * * * (Europe/Berlin)) have not started within their grace of 1h",
            ])
    }

    /// After a restart of the exporter the deadlines are there before the first sweep, so the rules' first
    /// evaluation sees a late job as late (`agent_next_run_timestamp_seconds`), not as a job without a schedule.
    @Test func restoredAgentsHaveTheirDeadlinesBeforeTheFirstSweep() throws {
        let registry = AgentRegistry()
        try beat(registry, schedule: nightly)
        let stored = registry.drainChanges().upserts.map { record -> AgentRecord in
            var cleared = record
            cleared.scheduleDeadlines = nil  // not stored: worked out from the schedule
            return cleared
        }
        let restarted = AgentRegistry()
        restarted.restore(stored)
        #expect(
            restarted.agent(named: "nightly-report")?.scheduleDeadlines?.nextRun
                == registry.agent(named: "nightly-report")?.scheduleDeadlines?.nextRun)
        #expect(restarted.agent(named: "nightly-report")?.scheduleDeadlines != nil)
    }

    /// A beat while the run is late (the job started at last) resets the lateness: the next run is the next night's.
    @Test func aBeatAfterTheDueTimeEndsTheLatenessAndMovesTheNextRun() throws {
        let registry = AgentRegistry()
        try beat(registry, schedule: nightly)
        #expect(sweep(registry, at: 1_774_749_600) == .degraded)
        clock.set(Timestamp(seconds: 1_774_751_400))  // 02:30Z
        try beat(registry, schedule: nil)
        let agent = try #require(registry.agent(named: "nightly-report"))
        #expect(agent.recordedState == .healthy)
        #expect(agent.scheduleDeadlines?.nextRun == Timestamp(seconds: 1_774_832_400))
        #expect(sweep(registry, at: 1_774_836_000 - 1) == .healthy)
        #expect(sweep(registry, at: 1_774_836_000) == .degraded)
    }

    /// The schedule replaces the interval the same beat carries: `--interval 86400` alone would allow 26h24m.
    @Test func theReportedScheduleWinsOverTheInterval() throws {
        let registry = AgentRegistry()
        try beat(registry, schedule: nightly)
        let agent = try #require(registry.agent(named: "nightly-report"))
        #expect(agent.judgement(.standard).source == .reportedSchedule)
        #expect(agent.judgement(.standard).thresholds.degradedAfter == .seconds(1_774_749_600 - 1_774_663_500))
    }

    /// Precedence: `health.by_agent`, then a configured schedule, then `health.by_agent_type`, then the reported
    /// schedule.
    @Test func configuredSchedulesComeAfterPerAgentThresholdsAndBeforeTheType() throws {
        var policy = HealthPolicy.standard
        policy.byAgentType["nightly"] = HealthThresholds(degradedAfter: .hours(25), unreachableAfter: .hours(26))
        let weekly = AgentSchedule(
            cron: CronSchedule(expression: try CronExpression(parsing: "0 4 * * SUN"), timeZone: .utc), grace: .hours(2)
        )
        policy.schedules = [
            ScheduleRule(matchers: [try LabelMatcher(.equal, "agent_type", "weekly")], schedule: nightly),
            ScheduleRule(matchers: [try LabelMatcher(.equal, "agent", "nightly-report")], schedule: weekly),
        ]
        let registry = AgentRegistry(configuration: AgentRegistry.Configuration(policy: policy))
        try beat(registry, schedule: nightly, agentType: "nightly")
        var agent = try #require(registry.agent(named: "nightly-report"))
        let judgement = agent.judgement(policy)
        #expect(judgement.source == .configuredSchedule && judgement.schedule?.schedule == weekly)
        // Sunday 2026-03-29T04:00Z, plus two hours.
        #expect(judgement.schedule?.lateAt == Timestamp(seconds: 1_774_756_800 + 7_200))
        #expect(agent.scheduleDeadlines?.schedule == weekly)
        policy.byAgent["nightly-report"] = HealthThresholds(degradedAfter: .hours(2), unreachableAfter: .hours(3))
        #expect(agent.judgement(policy).source == .byAgent && agent.judgement(policy).schedule == nil)
        policy.byAgent = [:]
        policy.schedules = []
        #expect(agent.judgement(policy).source == .byAgentType)
        agent.agentType = nil
        #expect(agent.judgement(policy).source == .reportedSchedule)
    }

    /// A reload that gives the agent a schedule is followed by the next sweep (`agent_next_run_timestamp_seconds`).
    @Test func theSweepWorksOutTheDeadlinesAfterAReload() throws {
        let registry = AgentRegistry()
        try beat(registry, schedule: nil)
        #expect(registry.agent(named: "nightly-report")?.scheduleDeadlines == nil)
        var policy = HealthPolicy.standard
        policy.schedules = [
            ScheduleRule(matchers: [try LabelMatcher(.equal, "agent", "nightly-report")], schedule: nightly)
        ]
        registry.reconfigure(AgentRegistry.Configuration(policy: policy))
        registry.sweep(at: clock.now())
        #expect(
            registry.agent(named: "nightly-report")?.scheduleDeadlines?.nextRun == Timestamp(seconds: 1_774_746_000))
    }
}
