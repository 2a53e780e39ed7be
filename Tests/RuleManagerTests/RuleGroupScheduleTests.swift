import Fleet
import Logging
import Model
import Rules
import TestSupport
import Testing

@testable import RuleManager

/// Groups are due on a grid of their interval, as Prometheus' group loop: evaluations whose time passed while the
/// engine was busy are skipped and counted, and rules can read the counts.
struct RuleGroupScheduleTests {
    /// Groups due together start with the one whose last evaluation took longest, so that it does not run alone at
    /// the end of the cycle; groups not yet timed (or equally long) keep their file order.
    @Test func theSlowestDueGroupsStartFirstAndTiesKeepFileOrder() {
        #expect(RuleEngine.longestFirst([0.2, 2.4, 0, 0.8, 0]) == [1, 3, 0, 2, 4])
        #expect(RuleEngine.longestFirst([0, 0, 0]) == [0, 1, 2])
    }

    static let ruleFile = """
        groups:
          - name: fleet
            interval: 10s
            rules:
              - record: fleet:agents:count
                expr: count(agent_up)
          - name: watch
            interval: 10s
            rules:
              - alert: RuleEvaluationsMissed
                expr: increase(heartbeat_exporter_rule_group_iterations_missed_total[1m]) > 0
        """

    let clock = ManualClock()
    let registry = AgentRegistry()

    func engine() throws -> RuleEngine {
        try installedEngine(Self.ruleFile, file: "fleet.yml", registry: registry, clock: clock)
    }

    /// The group's evaluations due so far and missed so far.
    func counts(_ engine: RuleEngine, _ group: String) -> [UInt64] {
        engine.groupCounts.first { $0.group.name == group }.map { [$0.iterations, $0.missed] } ?? []
    }

    @Test func punctualTicksMissNothingAndLateOnesStayOnTheGrid() throws {
        let engine = try engine()
        let start = clock.now()
        engine.tick()
        clock.advance(by: 10)
        engine.tick()
        #expect(counts(engine, "fleet") == [2, 0])
        // Due at 20 s, the engine comes back at 23 s: no evaluation missed, the next is still due at 30 s.
        clock.advance(by: 13)
        engine.tick()
        #expect(counts(engine, "fleet") == [3, 0])
        clock.advance(by: 7)
        engine.tick()
        #expect(engine.groups.first?.lastEvaluation.timestamp == start + .seconds(30))
        #expect(counts(engine, "fleet") == [4, 0])
    }

    @Test func evaluationsWhoseTimePassedAreSkippedAndCounted() throws {
        let engine = try engine()
        engine.tick()
        // Due at 10 s; the engine is busy until 35 s: the evaluations due at 10 and 20 s are missed, the one due at
        // 30 s runs (late), the next is due at 40 s.
        clock.advance(by: 35)
        engine.tick()
        #expect(counts(engine, "fleet") == [4, 2])
        clock.advance(by: 4)
        engine.tick()
        #expect(counts(engine, "fleet") == [4, 2])
        clock.advance(by: 1)
        engine.tick()
        #expect(counts(engine, "fleet") == [5, 2])
    }

    @Test func aClockSetBackDoesNotStopTheGroups() throws {
        let engine = try engine()
        let start = clock.now()
        engine.tick()
        clock.set(start - .hours(1))
        engine.tick()
        #expect(engine.groups.first?.lastEvaluation.timestamp == start - .hours(1))
        clock.advance(by: 10)
        engine.tick()
        #expect(engine.groups.first?.lastEvaluation.timestamp == start - .hours(1) + .seconds(10))
        #expect(counts(engine, "fleet") == [3, 0])
    }

    @Test func rulesReadTheMissedEvaluations() throws {
        let engine = try engine()
        engine.tick()
        clock.advance(by: 10)
        engine.tick()
        #expect(engine.groups.flatMap(\.alertingRules).flatMap(\.activeAlerts).isEmpty)
        clock.advance(by: 25)
        engine.tick()
        clock.advance(by: 5)
        engine.tick()
        let missing = engine.groups.flatMap(\.alertingRules).flatMap(\.activeAlerts)
        #expect(Set(missing.map { $0.labels["group"] }) == ["fleet", "watch"])
        #expect(missing.allSatisfy { $0.labels["file"] == "fleet.yml" })
    }
}
