import Fleet
import Logging
import Model
import Rules
@testable import RuleManager
import TestSupport
import Testing

/// A change of an agent's state brings forward the groups that read it, no more often than a third of their
/// interval, and leaves other groups on their schedule.
struct EarlyEvaluationTests {
    static let ruleFile = """
        groups:
          - name: health
            interval: 15s
            rules:
              - alert: AgentDegraded
                expr: agent_health{state="degraded"} == 1
          - name: work
            interval: 15s
            rules:
              - record: fleet:tasks:sum
                expr: sum(agent_tasks_total)
        """

    let clock = ManualClock()
    let registry = AgentRegistry()

    func engine() throws -> RuleEngine {
        try installedEngine(Self.ruleFile, file: "r.yml", registry: registry, clock: clock)
    }

    func degraded(_ engine: RuleEngine) -> [Alert] {
        engine.groups.flatMap(\.alertingRules).flatMap(\.activeAlerts)
    }

    func lastEvaluation(_ engine: RuleEngine, _ group: String) -> Timestamp? {
        engine.groups.first { $0.name == group }?.lastEvaluation.timestamp
    }

    @Test func aStateChangeBringsForwardOnlyTheGroupsThatReadTheState() throws {
        let engine = try engine()
        let start = clock.now()
        _ = try registry.ingest(Heartbeat(agent: "a", intervalSeconds: 11), at: start)
        for _ in 0..<3 {
            engine.tick()
            clock.advance(by: 15)
        }
        // Evaluated at 0, 15 and 30 s; the agent is degraded from 33 s; the groups are next due at 45 s.
        clock.advance(by: -11)
        #expect(clock.now() == start + .seconds(34))
        let transitions = registry.sweep(at: clock.now())
        #expect(transitions.map(\.to) == [.degraded])
        engine.evaluateGroupsReadingStateEarly()
        engine.tick()
        #expect(lastEvaluation(engine, "health") == start + .seconds(30), "not sooner than a third of 15 s after 30 s")
        clock.advance(by: 1)
        engine.tick()
        #expect(lastEvaluation(engine, "health") == start + .seconds(35))
        #expect(degraded(engine).map(\.state) == [.firing], "no `for`: fires at the evaluation")
        #expect(lastEvaluation(engine, "work") == start + .seconds(30), "a group that does not read the state waits")

        // Another change at once: the next early evaluation is a third of the interval after this one.
        clock.advance(by: 1)
        engine.evaluateGroupsReadingStateEarly()
        clock.advance(by: 3)
        engine.tick()
        #expect(lastEvaluation(engine, "health") == start + .seconds(35))
        clock.advance(by: 1)
        engine.tick()
        #expect(lastEvaluation(engine, "health") == start + .seconds(40))
        #expect(lastEvaluation(engine, "work") == start + .seconds(30))
        clock.advance(by: 5)
        engine.tick()
        #expect(lastEvaluation(engine, "work") == start + .seconds(45), "still on its own schedule")
    }
}
