import Fleet
import Logging
import Model
import Recovery
import TestSupport
import Testing

/// The ladder runner under a manual clock: when a run starts, what each step does to the agent and its alerts, how
/// runs end, `max_runs_per_hour`, and a restart of the exporter in the middle of a run.
struct LadderRunnerTests {
    let fixture = LadderRunnerFixture()

    /// `w1` (a worker) and `other` (no ladder) beat once, then fall silent until both are unreachable (5 minutes).
    func silentWorker() async throws -> LadderRunner {
        let runner = try fixture.runner([try LadderRunnerFixture.ladder()])
        try fixture.beat("w1")
        try fixture.beat("other", type: "planner")
        await fixture.pass(300, every: 30, runner)
        return runner
    }

    @Test func anAgentThatBecomesUnreachableIsRestartedHeldAndMarkedRecovering() async throws {
        let runner = try await silentWorker()
        #expect(fixture.steps.carriedOut == ["restart systemctl restart agent@w1.service"])
        #expect(fixture.state("w1") == .recovering)
        #expect(fixture.registry.agent(named: "w1")?.recovery?.step == "restart")
        #expect(fixture.state("other") == .unreachable, "no ladder matches a planner")
        #expect(fixture.holds.events == ["hold w1"])
        #expect(runner.runningAgents == ["w1"])
        let run = try #require(runner.run(of: "w1"))
        #expect(run.steps.map(\.summary) == ["exit 0 after 1.0 s"])
        #expect(fixture.steps.carriedOut.count == 1, "the restart ran once, not at each round")
    }

    @Test func aBeatDuringTheWaitEndsTheRunAsRecoveredAndNothingIsReleased() async throws {
        let runner = try await silentWorker()
        await fixture.pass(60, runner)
        try fixture.beat("w1")
        await fixture.tick(runner)
        #expect(fixture.state("w1") == .healthy)
        #expect(fixture.holds.events == ["hold w1", "drop w1"])
        #expect(runner.run(of: "w1")?.outcome == .recovered(by: "restart"))
        #expect(fixture.registry.agent(named: "w1")?.history.last?.reason == "recovered by restart")
        #expect(runner.metrics.runs(ladder: "workers", result: "recovered") == 1)
        #expect(runner.metrics.steps(ladder: "workers", step: "restart", result: .success) == 1)
        await fixture.pass(299, every: 1, runner)
        #expect(fixture.steps.carriedOut.count == 1)
        await fixture.pass(1, runner)
        #expect(fixture.steps.carriedOut.count == 2, "a new silence after the beat is a new run")
    }

    @Test func failedStepsExhaustTheLadderAndReleaseTheAlertsWithWhatWasTried() async throws {
        fixture.steps.answer("restart", StepReport(outcome: .failure, summary: "exit 1 after 0.4 s"))
        fixture.steps.answer("replace", StepReport(outcome: .failure, summary: "503 twice"))
        let runner = try await silentWorker()
        await fixture.pass(119, runner)
        #expect(fixture.steps.carriedOut.count == 1, "the restart's wait lasts 2 minutes after it finished")
        await fixture.pass(1, runner)
        #expect(fixture.steps.carriedOut.last == "replace http://127.0.0.1:9/replace")
        #expect(fixture.registry.agent(named: "w1")?.recovery?.step == "replace")
        let body = try #require(fixture.steps.bodies.first)
        #expect(body.tried == ["restart: exit 1 after 0.4 s"])
        #expect(body.reason == "unreachable")
        await fixture.pass(179, runner)
        #expect(fixture.holds.events == ["hold w1"])
        await fixture.pass(1, runner)
        #expect(fixture.holds.events == ["hold w1", "release w1: restart: exit 1 after 0.4 s; replace: 503 twice"])
        #expect(fixture.state("w1") == .unreachable)
        #expect(runner.run(of: "w1")?.outcome == .exhausted)
        #expect(runner.metrics.runs(ladder: "workers", result: "exhausted") == 1)
        #expect(runner.metrics.steps(ladder: "workers", step: "replace", result: .failure) == 1)

        await fixture.pass(3600, every: 60, runner)
        #expect(fixture.steps.carriedOut.count == 2, "one run per silence: none again until the agent beats")
    }

    @Test func aFourthRunWithinTheHourIsRefusedAndTheAlertsGoToAPersonAtOnce() async throws {
        let runner = try fixture.runner([try LadderRunnerFixture.ladder()])
        for round in 1...3 {
            try fixture.beat("w1")
            await fixture.pass(300, every: 30, runner)
            #expect(fixture.state("w1") == .recovering, "run \(round)")
            try fixture.beat("w1")
            await fixture.tick(runner)
            #expect(runner.run(of: "w1")?.outcome == .recovered(by: "restart"))
        }
        #expect(fixture.clock.now() - LadderRunnerFixture().clock.now() < .hours(1))
        try fixture.beat("w1")
        await fixture.pass(300, every: 30, runner)
        #expect(fixture.state("w1") == .unreachable)
        #expect(fixture.steps.carriedOut.count == 3)
        #expect(fixture.holds.events.suffix(2) == ["hold w1", "release w1: nothing tried: max_runs_per_hour reached"])
        #expect(runner.run(of: "w1")?.outcome == .refused)
        #expect(runner.metrics.runs(ladder: "workers", result: "refused") == 1)

        // An hour after the first run, the ladder may run again.
        try fixture.beat("w1")
        await fixture.pass(2400, every: 60, runner)
        try fixture.beat("w1")
        await fixture.pass(300, every: 30, runner)
        #expect(fixture.state("w1") == .recovering)
        #expect(fixture.steps.carriedOut.count == 4)
    }

    @Test func killedAndStoppedAgentsAreNeverRecoveredAndAKillCancelsARun() async throws {
        let runner = try fixture.runner([try LadderRunnerFixture.ladder()])
        for agent in ["dead", "done", "w1"] { try fixture.beat(agent) }
        try fixture.registry.kill("dead", action: OperatorAction(at: fixture.clock.now()))
        try fixture.registry.stop("done", action: OperatorAction(at: fixture.clock.now()))
        await fixture.pass(300, every: 30, runner)
        #expect(fixture.steps.carriedOut == ["restart systemctl restart agent@w1.service"])
        try fixture.registry.kill("w1", action: OperatorAction(by: "alice", at: fixture.clock.now()))
        await fixture.tick(runner)
        #expect(fixture.state("w1") == .killed)
        #expect(runner.run(of: "w1")?.outcome == .cancelled("agent killed"))
        #expect(fixture.holds.events.last == "release w1: restart: exit 0 after 1.0 s; cancelled: agent killed")
        #expect(runner.metrics.runs(ladder: "workers", result: "cancelled") == 1)
    }

    @Test func aDegradedTriggerStartsTheLadderAtDegraded() async throws {
        let runner = try fixture.runner([try LadderRunnerFixture.ladder(trigger: .degraded)])
        try fixture.beat("w1")
        await fixture.pass(89, every: 1, runner)
        #expect(fixture.steps.carriedOut.isEmpty)
        await fixture.pass(1, runner)
        #expect(fixture.steps.carriedOut.count == 1)
        #expect(runner.run(of: "w1")?.trigger == .degraded)
    }

    @Test func aCommandThatDoesNotExpandForTheAgentEndsTheRunAtOnceAndPagesWithTheReason() async throws {
        var ladder = try LadderRunnerFixture.ladder()
        ladder.steps[0].action = .command(["restart", #"{{ index .agent 3 }}"#])
        let runner = try fixture.runner([ladder])
        try fixture.beat("w1")
        await fixture.pass(300, every: 30, runner)
        #expect(fixture.steps.carriedOut.isEmpty)
        #expect(runner.run(of: "w1")?.outcome == .exhausted)
        let release = try #require(fixture.holds.events.last)
        #expect(release.hasPrefix("release w1: nothing tried: ladder \"workers\", step \"restart\": "), "\(release)")
    }

    /// The exporter was down longer than the thresholds: agents judged unreachable on beats older than the
    /// process are not restarted until they stay silent for a whole threshold after the start; those alive beat
    /// again first and are left alone.
    @Test func theExportersOwnDowntimeStartsNoRun() async throws {
        try fixture.beat("alive")
        try fixture.beat("dead")
        fixture.clock.advance(by: 3600)
        let runner = try fixture.runner([try LadderRunnerFixture.ladder()])
        await fixture.tick(runner)
        #expect(fixture.state("alive") == .unreachable, "judged on its last beat, as ever")
        await fixture.pass(20, runner)
        try fixture.beat("alive")
        await fixture.pass(279, every: 1, runner)
        #expect(fixture.steps.carriedOut.isEmpty, "no run within the threshold after the start")
        await fixture.pass(1, runner)
        #expect(fixture.steps.carriedOut == ["restart systemctl restart agent@dead.service"])
        #expect(runner.runningAgents == ["dead"])
    }

    /// An operator killed the agent during its run (cancelled), then resumed it; still dead, it gets a new run.
    @Test func aRunCancelledByAKillDoesNotKeepTheLadderAwayAfterAResume() async throws {
        let runner = try await silentWorker()
        try fixture.registry.kill("w1", action: OperatorAction(at: fixture.clock.now()))
        await fixture.tick(runner)
        #expect(runner.run(of: "w1")?.outcome == .cancelled("agent killed"))
        _ = try fixture.registry.resume("w1", action: OperatorAction(at: fixture.clock.now()))
        await fixture.pass(300, every: 30, runner)
        #expect(fixture.steps.carriedOut.count == 2)
        #expect(fixture.state("w1") == .recovering)
    }

    /// The ladder gave up, then the exporter restarted: the agent's alerts say again what was tried.
    @Test func whatWasTriedIsNotedAgainAfterARestart() async throws {
        _ = try await silentWorkerExhausted()
        let restarted = try LadderRunnerFixture(restartOf: fixture)
        _ = try restarted.runner([try LadderRunnerFixture.ladder()])
        #expect(
            restarted.holds.events
                == ["note w1: restart: exit 0 after 1.0 s, but no heartbeat followed; replace: 503 twice"])
    }

    /// `w1` silent until its ladder gave up (the restart exits 0, the replace answers 503 twice).
    func silentWorkerExhausted() async throws -> LadderRunner {
        fixture.steps.answer("replace", StepReport(outcome: .failure, summary: "503 twice"))
        let runner = try await silentWorker()
        await fixture.pass(600, every: 30, runner)
        #expect(runner.run(of: "w1")?.outcome == .exhausted)
        return runner
    }

    /// The exporter is killed while a step's wait lasts: the restarted runner does not run the step again, the
    /// wait ends when it would have, and the outcome is the same.
    @Test func aRestartDuringAWaitGoesOnWithoutRunningTheStepAgain() async throws {
        fixture.steps.answer("restart", StepReport(outcome: .failure, summary: "exit 1 after 0.4 s"))
        fixture.steps.answer("replace", StepReport(outcome: .failure, summary: "503 twice"))
        _ = try await silentWorker()
        fixture.clock.advance(by: 60)
        let restarted = try LadderRunnerFixture(restartOf: fixture)
        let runner = try restarted.runner([try LadderRunnerFixture.ladder()])
        #expect(restarted.state("w1") == .recovering)
        #expect(restarted.holds.events == ["hold w1"], "held again before the first evaluation")
        await restarted.pass(59, runner)
        #expect(fixture.steps.carriedOut == ["restart systemctl restart agent@w1.service"])
        await restarted.pass(1, runner)
        #expect(fixture.steps.carriedOut.last == "replace http://127.0.0.1:9/replace")
        await restarted.pass(180, runner)
        #expect(restarted.holds.events.last == "release w1: restart: exit 1 after 0.4 s; replace: 503 twice")
        #expect(fixture.steps.carriedOut.count == 2)
    }

    /// The exporter is killed while the restart command runs: the step is closed as interrupted, never run again,
    /// and its wait counts from the restart.
    @Test func aStepRunningWhenTheExporterStoppedIsNotRunAgain() async throws {
        let runner = try fixture.runner([try LadderRunnerFixture.ladder()])
        try fixture.beat("w1")
        await fixture.pass(270, every: 30, runner)
        fixture.steps.holdSteps()
        fixture.clock.advance(by: 30)
        runner.tick(transitions: fixture.registry.sweep(at: fixture.clock.now()))
        // The step is recorded as started before it runs; the process dies before its result is recorded.
        let saved = try #require(try fixture.store.loadRecoveryRuns(startedSince: .epoch).first)
        #expect(saved.steps.map(\.name) == ["restart"])
        #expect(saved.steps.first?.finishedAt == nil)
        let restarted = try LadderRunnerFixture(restartOf: fixture, steps: ScriptedSteps(clock: fixture.clock))
        let second = try restarted.runner([try LadderRunnerFixture.ladder()])
        #expect(second.run(of: "w1")?.steps.first?.summary == "interrupted by a restart")
        await restarted.pass(119, second)
        #expect(restarted.steps.carriedOut.isEmpty)
        await restarted.pass(1, second)
        #expect(restarted.steps.carriedOut == ["replace http://127.0.0.1:9/replace"])
        fixture.steps.finishHeldSteps()
        await runner.stepsSettled()
    }
}

/// A command's program named by a relative path is found beside the configuration file, as `rule_files` are.
struct ProgramPathTests {
    @Test func aRelativeProgramIsResolvedAgainstTheConfigurationsDirectoryAndOthersAreLeftAlone() throws {
        var ladder = try LadderRunnerFixture.ladder()
        let step = ladder.steps[0]
        ladder.steps = [
            "./restart-agent.sh", "bin/restart", "systemctl", "/usr/bin/true", "{{ .agent }}/run",
        ].map { RecoveryStep(name: $0, action: .command([$0, "./argument"]), timeout: step.timeout, wait: step.wait) }
        ladder.steps.append(step)
        let programs = ladder.resolvingPrograms(against: "/etc/hx").steps.map { step -> [String] in
            guard case .command(let arguments) = step.action else { return [] }
            return arguments
        }
        #expect(
            programs == [
                ["/etc/hx/restart-agent.sh", "./argument"], ["/etc/hx/bin/restart", "./argument"],
                ["systemctl", "./argument"], ["/usr/bin/true", "./argument"], ["{{ .agent }}/run", "./argument"],
                ["systemctl", "restart", "agent@{{ .agent }}.service"],
            ])
    }
}
