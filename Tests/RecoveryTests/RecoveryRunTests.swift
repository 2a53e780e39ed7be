import Model
import Recovery
import Testing

/// A ladder run under a clock the test moves: steps in order, each followed by its wait; a beat ends the run as
/// recovered; the last wait ending without one exhausts it; a restart never starts a step twice.
struct RecoveryRunTests {
    let t0 = Timestamp(milliseconds: 1_700_000_000_000)
    let steps = [
        RecoveryStep(name: "restart", action: .command(["true"]), timeout: .seconds(30), wait: .minutes(2)),
        RecoveryStep(
            name: "replace", action: .webhook(url: "http://127.0.0.1:9/r"), timeout: .seconds(10), wait: .minutes(3)),
    ]

    func run() -> RecoveryRun { RecoveryRun(agent: "w1", ladder: "workers", trigger: .unreachable, startedAt: t0) }

    @Test func stepsRunInOrderEachFollowedByItsWaitThenTheRunIsExhausted() {
        var run = run()
        let lastBeat = t0 - .minutes(5)
        #expect(run.next(at: t0, lastBeat: lastBeat, steps: steps) == .start(step: 0))
        run.started(step: 0, name: "restart", at: t0)
        #expect(run.next(at: t0 + .seconds(1), lastBeat: lastBeat, steps: steps) == .wait(until: nil))
        run.finished(at: t0 + .seconds(1), outcome: .failure, summary: "exit 1 after 0.4 s")
        #expect(run.next(at: t0 + .seconds(60), lastBeat: lastBeat, steps: steps) == .wait(until: t0 + .seconds(121)))
        #expect(run.next(at: t0 + .seconds(121), lastBeat: lastBeat, steps: steps) == .start(step: 1))
        run.started(step: 1, name: "replace", at: t0 + .seconds(121))
        run.finished(at: t0 + .seconds(125), outcome: .failure, summary: "503 twice")
        #expect(run.next(at: t0 + .seconds(300), lastBeat: lastBeat, steps: steps) == .wait(until: t0 + .seconds(305)))
        #expect(run.next(at: t0 + .seconds(305), lastBeat: lastBeat, steps: steps) == .end(.exhausted))
        run.end(.exhausted, at: t0 + .seconds(305))
        #expect(run.tried == "restart: exit 1 after 0.4 s; replace: 503 twice")
        // Once over, it stays over.
        run.started(step: 2, name: "again", at: t0 + .seconds(400))
        #expect(run.steps.count == 2)
        #expect(run.next(at: t0 + .hours(1), lastBeat: t0 + .hours(1), steps: steps) == .end(.exhausted))
    }

    @Test func aBeatAfterTheRunStartedEndsItAsRecoveredByTheLastStepStarted() {
        var run = run()
        #expect(run.next(at: t0, lastBeat: t0, steps: steps) == .start(step: 0), "a beat at the start does not count")
        #expect(run.next(at: t0, lastBeat: t0 + .seconds(1), steps: steps) == .end(.recovered(by: nil)))
        run.started(step: 0, name: "restart", at: t0)
        run.finished(at: t0 + .seconds(2), outcome: .success, summary: "exit 0 after 2 s")
        #expect(
            run.next(at: t0 + .seconds(30), lastBeat: t0 + .seconds(20), steps: steps)
                == .end(.recovered(by: "restart")))
        // Even while a step still runs.
        var running = self.run()
        running.started(step: 0, name: "restart", at: t0)
        #expect(
            running.next(at: t0 + .seconds(5), lastBeat: t0 + .seconds(4), steps: steps)
                == .end(.recovered(by: "restart")))
    }

    @Test func aStepFoundRunningAfterARestartIsNeverStartedAgainAndItsWaitGoesOn() {
        var run = run()
        run.started(step: 0, name: "restart", at: t0)
        // The exporter restarts 10 s later: the step's command may or may not have run; it is not run again.
        run.interrupted(at: t0 + .seconds(10))
        #expect(run.steps.first?.summary == "interrupted by a restart")
        #expect(run.next(at: t0 + .seconds(11), lastBeat: nil, steps: steps) == .wait(until: t0 + .seconds(130)))
        #expect(run.next(at: t0 + .seconds(130), lastBeat: nil, steps: steps) == .start(step: 1))
        // Interrupting a finished step changes nothing.
        run.started(step: 1, name: "replace", at: t0 + .seconds(130))
        run.finished(at: t0 + .seconds(131), outcome: .success, summary: "200")
        run.interrupted(at: t0 + .seconds(140))
        #expect(run.steps.last?.summary == "200")
    }

    @Test func aFourthRunWithinAnHourIsRefused() {
        let earlier = [t0, t0 + .minutes(10), t0 + .minutes(20)]
        #expect(!RecoveryRun.mayStart(at: t0 + .minutes(30), after: earlier, maxRunsPerHour: 3))
        #expect(RecoveryRun.mayStart(at: t0 + .minutes(30), after: earlier, maxRunsPerHour: 4))
        // An hour after the first, one slot is free again.
        #expect(RecoveryRun.mayStart(at: t0 + .minutes(60), after: earlier, maxRunsPerHour: 3))
        var refused = run()
        refused.end(.refused, at: t0)
        #expect(refused.tried == "nothing tried: max_runs_per_hour reached")
        #expect(refused.next(at: t0, lastBeat: nil, steps: steps) == .end(.refused))
    }
}
