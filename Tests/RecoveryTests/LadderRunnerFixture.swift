import Fleet
import Model
import Recovery
import Synchronization
import TestSupport

/// A registry, storage, holds and scripted steps under one manual clock, and the ladder `workers` (agents of type
/// `worker`: restart with a 2m wait, then replace by webhook with a 3m wait, at most 3 runs an hour).
struct LadderRunnerFixture {
    let clock: ManualClock
    let registry: AgentRegistry
    let holds = HoldRecorder()
    let store: InMemoryStorage
    let steps: ScriptedSteps

    init() {
        clock = ManualClock()
        registry = AgentRegistry()
        store = InMemoryStorage()
        steps = ScriptedSteps(clock: clock)
    }

    /// The exporter started again after `before` stopped: the same clock and storage, the fleet read back from
    /// storage, holds made anew; steps carried out by `steps` (by default the same script).
    init(restartOf before: LadderRunnerFixture, steps: ScriptedSteps? = nil) throws {
        try before.store.apply(before.registry.drainChanges())
        clock = before.clock
        store = before.store
        registry = AgentRegistry()
        registry.restore(try store.loadAgents())
        self.steps = steps ?? before.steps
    }

    static func ladder(trigger: RecoveryTrigger = .unreachable, maxRunsPerHour: Int = 3) throws -> RecoveryLadder {
        RecoveryLadder(
            name: "workers", matchers: [try LabelMatcher.alertmanager(.equal, "agent_type", "worker")],
            trigger: trigger, maxRunsPerHour: maxRunsPerHour,
            steps: [
                RecoveryStep(
                    name: "restart", action: .command(["systemctl", "restart", "agent@{{ .agent }}.service"]),
                    timeout: .seconds(30), wait: .minutes(2)),
                RecoveryStep(
                    name: "replace", action: .webhook(url: "http://127.0.0.1:9/replace"), timeout: .seconds(10),
                    wait: .minutes(3)),
            ])
    }

    /// A runner over this fixture's parts with `ladders` in force (restored from the storage, as at start-up).
    func runner(_ ladders: [RecoveryLadder]) throws -> LadderRunner {
        let runner = LadderRunner(
            registry: registry, holds: holds, store: store, executor: steps, clock: clock,
            logger: .init(label: "test"), searchPath: "/usr/bin:/bin")
        runner.configure(ladders)
        try runner.restore()
        return runner
    }

    func beat(_ agent: String, type: String = "worker") throws {
        var beat = Heartbeat(agent: agent)
        beat.agentType = type
        _ = try registry.ingest(beat, at: clock.now())
    }

    /// One maintenance round: the sweep, the runner's tick, and every step it started carried out.
    func tick(_ runner: LadderRunner) async {
        runner.tick(transitions: registry.sweep(at: clock.now()))
        await runner.stepsSettled()
    }

    /// Lets `seconds` pass in maintenance rounds of `every` seconds.
    func pass(_ seconds: Double, every: Double = 1, _ runner: LadderRunner) async {
        var left = seconds
        while left > 0 {
            let step = min(every, left)
            clock.advance(by: step)
            left -= step
            await tick(runner)
        }
    }

    func state(_ agent: String) -> HealthState? {
        registry.agent(named: agent)?.state(at: clock.now(), policy: registry.currentConfiguration.policy)
    }
}
