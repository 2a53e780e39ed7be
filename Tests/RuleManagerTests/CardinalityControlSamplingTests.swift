import Fleet
import Logging
import Model
import PromQL
import Rules
@testable import RuleManager
import TestSupport
import Testing

/// The rules see the fleet as `/metrics` exposes it under `metrics.per_agent_histograms: false` and
/// `metrics.drop_labels`, and follow a reload that changes them.
struct CardinalityControlSamplingTests {
    static let ruleFile = """
        groups:
          - name: g
            interval: 15s
            rules:
              - record: type:task_durations:count
                expr: sum by (agent_type) (agent_task_duration_seconds_count)
              - record: info:series
                expr: agent_info
              - alert: PlannerTasks
                expr: type:task_durations:count{agent_type="planner"} == 2
        """

    let clock = ManualClock()

    /// The series named `name` the rules saw at the last evaluation (a stale marker ends one).
    func labelSets(_ engine: RuleEngine, _ name: String) throws -> [String] {
        let matcher = try LabelMatcher(.equal, metricNameLabel, name)
        let now = clock.now().milliseconds
        return engine.history.select([matcher], from: now, through: now).filter { series in
            guard let index = series.timestamps.lastIndex(of: now) else { return false }
            return !series.values[index].isNaN
        }.map { "\($0.labels)" }.sorted()
    }

    @Test func theRulesSeeHistogramsPerTypeAndNoDroppedLabel() throws {
        let registry = AgentRegistry(
            configuration: .init(
                exposition: ExpositionOptions(perAgentHistograms: false, droppedLabels: ["pod"])))
        for agent in ["a", "b"] {
            _ = try registry.ingest(
                Heartbeat(
                    agent: agent, agentType: "planner", labels: [("pod", "\(agent)-1")],
                    tasks: [TaskReport(success: true, latencyMilliseconds: 300)]),
                at: clock.now())
        }
        let engine = RuleEngine(
            registry: registry, store: InMemoryStorage(), clock: clock, logger: Logger(label: "test"))
        engine.install(
            try RuleFileLoader.parse(Self.ruleFile, file: "r.yml"), settings: RuleEvaluationSettings(),
            generatorLink: .page(""))
        engine.tick()
        #expect(
            try labelSets(engine, "agent_task_duration_seconds_count")
                == [#"{__name__="agent_task_duration_seconds_count", agent_type="planner"}"#])
        let alerts = engine.groups.flatMap(\.alertingRules).flatMap(\.activeAlerts)
        #expect(alerts.count == 1, "both agents' tasks in the type's histogram")
        #expect(
            try labelSets(engine, "agent_info") == [
                #"{__name__="agent_info", agent="a", agent_type="planner"}"#,
                #"{__name__="agent_info", agent="b", agent_type="planner"}"#,
            ])

        // A reload back to the defaults: per-agent series again, the pod label back.
        registry.reconfigure(.init())
        clock.advance(by: 15)
        engine.tick()
        #expect(try labelSets(engine, "agent_task_duration_seconds_count").count == 2)
        #expect(try labelSets(engine, "agent_info").count == 2)
        #expect(try labelSets(engine, "agent_info").allSatisfy { $0.contains("pod=") })
    }
}
