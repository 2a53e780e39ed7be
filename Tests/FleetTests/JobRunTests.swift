import Cron
import Fleet
import Model
import TestSupport
import Testing

/// Runs of batch jobs under a manual clock: a start opens a run, the next task outcome closes it with its duration
/// measured by the exporter, exit code and output; a run open past its max runtime is reported; a start ends
/// lateness; task outcomes of agents that are not jobs make no runs.
struct JobRunTests {
    let clock = ManualClock(start: Timestamp(seconds: 1_800_000_000))
    let registry = AgentRegistry()

    func beat(_ beat: Heartbeat, after seconds: Int = 0) throws {
        clock.advance(by: .seconds(seconds))
        _ = try registry.ingest(beat, at: clock.now())
    }

    func job(_ run: RunSignal = RunSignal(), tasks: [TaskReport] = [], interval: Double? = nil) -> Heartbeat {
        var beat = Heartbeat(agent: "backup", intervalSeconds: interval, tasks: tasks)
        beat.run = run
        return beat
    }

    func value(_ family: String) -> Double? {
        guard let agent = registry.agent(named: "backup"),
            case .perAgent(let read)? = FleetFamilies.all.first(where: { $0.name == family })?.kind
        else { return nil }
        return withUnsafePointer(to: agent) { read($0, .healthy) }
    }

    @Test func aStartOpensARunAndTheNextTaskOutcomeClosesItWithItsDuration() throws {
        try beat(job(RunSignal(phase: .start)))
        #expect(value("agent_running") == 1)
        #expect(value("agent_run_started_timestamp_seconds") == 1_800_000_000)
        #expect(value("agent_last_run_success") == nil)
        try beat(job(RunSignal(exitCode: 3, output: "boom"), tasks: [TaskReport(success: false)]), after: 95)
        let run = try #require(registry.agent(named: "backup")?.lastRun)
        #expect(
            run
                == FinishedRun(
                    startedAt: Timestamp(seconds: 1_800_000_000), finishedAt: Timestamp(seconds: 1_800_000_095),
                    success: false, exitCode: 3, output: "boom"))
        #expect(value("agent_running") == 0)
        #expect(value("agent_last_run_success") == 0)
        #expect(value("agent_last_run_duration_seconds") == 95)
        #expect(value("agent_last_run_exit_code") == 3)
        #expect(value("agent_run_started_timestamp_seconds") == nil)
    }

    @Test func aSuccessfulFinishRecordsSuccess() throws {
        try beat(job(RunSignal(phase: .start)))
        try beat(job(RunSignal(phase: .finish, exitCode: 0)), after: 12)
        #expect(value("agent_last_run_success") == 1)
        #expect(value("agent_last_run_duration_seconds") == 12)
    }

    /// A non-zero exit code fails the run even when its tasks succeeded.
    @Test func aNonZeroExitCodeFailsTheRun() throws {
        try beat(job(RunSignal(phase: .start)))
        try beat(job(RunSignal(exitCode: 1), tasks: [TaskReport(success: true)]), after: 1)
        #expect(registry.agent(named: "backup")?.lastRun?.success == false)
    }

    @Test func taskOutcomesOfAnAgentThatIsNotAJobMakeNoRun() throws {
        try beat(job(tasks: [TaskReport(success: false)], interval: 30))
        #expect(registry.agent(named: "backup")?.lastRun == nil)
        #expect(value("agent_running") == nil)
    }

    /// `beat --failure` of a job with a long interval: a failed run without a start, so without a duration.
    @Test func aFailureOfALongIntervalAgentIsAFailedRunWithoutDuration() throws {
        try beat(job(tasks: [TaskReport(success: false)], interval: 86_400))
        #expect(value("agent_last_run_success") == 0)
        #expect(value("agent_last_run_duration_seconds") == nil)
        #expect(value("agent_running") == 0)
    }

    @Test func aRunOpenLongerThanItsMaxRuntimeIsReported() throws {
        try beat(job(RunSignal(phase: .start, maxRuntime: .minutes(10))))
        let agent = try #require(registry.agent(named: "backup"))
        #expect(value("agent_run_max_runtime_seconds") == 600)
        #expect(!agent.isRunningTooLong(at: clock.now() + .minutes(10)))
        #expect(agent.isRunningTooLong(at: clock.now() + .minutes(10) + .seconds(1)))
    }

    @Test func theScheduleGivesTheMaxRuntimeWhenTheStartDoesNot() throws {
        let schedule = AgentSchedule(
            cron: CronSchedule(expression: try CronExpression(parsing: "0 3 * * *"), timeZone: .utc),
            maxRuntime: .hours(2))
        var start = Heartbeat(agent: "backup", schedule: schedule)
        start.run = RunSignal(phase: .start)
        try beat(start)
        #expect(value("agent_run_max_runtime_seconds") == 7200)
    }

    /// See ``ScheduleDeadlines``: a start is a counted beat and resets the lateness at once.
    @Test func aStartEndsTheLatenessOfAScheduledJob() throws {
        let schedule = AgentSchedule(
            cron: CronSchedule(expression: try CronExpression(parsing: "0 3 * * *"), timeZone: .utc), grace: .hours(1))
        clock.set(Timestamp(seconds: 1_800_000_000 - 1_800_000_000 % 86_400))  // midnight UTC
        try beat(Heartbeat(agent: "backup", schedule: schedule))
        clock.advance(by: .hours(4) + .seconds(1))
        registry.sweep(at: clock.now())
        #expect(registry.agent(named: "backup")?.recordedState == .degraded)
        try beat(job(RunSignal(phase: .start)))
        #expect(registry.agent(named: "backup")?.recordedState == .healthy)
        #expect(registry.agent(named: "backup")?.scheduleDeadlines?.lateAt == clock.now() + .hours(24) - .seconds(1))
    }
}
