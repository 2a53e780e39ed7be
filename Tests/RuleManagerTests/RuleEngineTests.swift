import Fleet
import Logging
import Model
import PromQL
import Rules
@testable import RuleManager
import TestSupport
import Testing

/// The rule engine over a real registry and store, stepped with a manual clock.
struct RuleEngineTests {
    static let ruleFile = """
        groups:
          - name: fleet
            interval: 10s
            rules:
              - record: fleet:agents_up:sum
                expr: sum(agent_up)
              - alert: AgentUnreachable
                expr: agent_health{state="unreachable"} == 1
                for: 30s
                labels: {severity: critical}
                annotations: {summary: "{{ $labels.agent }} is unreachable"}
              - alert: FleetSmall
                expr: fleet:agents_up:sum < 2
        """

    let clock = ManualClock()
    let registry = AgentRegistry()
    let store = InMemoryStorage()

    func engine() throws -> RuleEngine {
        try installedEngine(Self.ruleFile, file: "fleet.yml", registry: registry, clock: clock, store: store)
    }

    func alerts(_ engine: RuleEngine, _ name: String) -> [Alert] {
        engine.groups.flatMap(\.alertingRules).filter { $0.name == name }.flatMap(\.activeAlerts)
    }

    @Test func aSilentAgentGoesPendingThenFiringThenResolves() throws {
        let engine = try engine()
        _ = try registry.ingest(Heartbeat(agent: "a"), at: clock.now())
        engine.tick()
        #expect(alerts(engine, "AgentUnreachable").isEmpty)
        clock.advance(by: 300)  // unreachable now
        engine.tick()
        let pending = alerts(engine, "AgentUnreachable")
        #expect(pending.map(\.state) == [.pending])
        #expect(pending.first?.labels["severity"] == "critical")
        #expect(pending.first?.annotations["summary"] == "a is unreachable")
        clock.advance(by: 20)
        engine.tick()
        #expect(alerts(engine, "AgentUnreachable").map(\.state) == [.pending])
        clock.advance(by: 10)
        engine.tick()
        #expect(alerts(engine, "AgentUnreachable").map(\.state) == [.firing])
        _ = try registry.ingest(Heartbeat(agent: "a"), at: clock.now())
        clock.advance(by: 10)
        engine.tick()
        #expect(alerts(engine, "AgentUnreachable").map(\.state) == [.inactive])
    }

    @Test func recordingRulesFeedLaterRulesInTheSameEvaluation() throws {
        let engine = try engine()
        _ = try registry.ingest(Heartbeat(agent: "only"), at: clock.now())
        engine.tick()
        let small = alerts(engine, "FleetSmall")
        #expect(small.map(\.state) == [.firing])
        #expect(small.first?.value == 1)
    }

    @Test func aGroupIsEvaluatedAtItsIntervalOnly() throws {
        let engine = try engine()
        engine.tick()
        let first = engine.groups.first?.lastEvaluation.timestamp
        clock.advance(by: 5)
        engine.tick()
        #expect(engine.groups.first?.lastEvaluation.timestamp == first)
        clock.advance(by: 5)
        engine.tick()
        #expect(engine.groups.first?.lastEvaluation.timestamp == first.map { $0 + .seconds(10) })
    }

    @Test func pendingAlertsKeepTheirActiveTimeAcrossARestart() throws {
        let before = try engine()
        _ = try registry.ingest(Heartbeat(agent: "a"), at: clock.now())
        clock.advance(by: 300)
        before.tick()
        let activeAt = alerts(before, "AgentUnreachable").first?.activeAt
        #expect(activeAt != nil)

        let after = try engine()
        #expect(alerts(after, "AgentUnreachable").first?.activeAt == activeAt)
        clock.advance(by: 30)
        after.tick()
        #expect(alerts(after, "AgentUnreachable").map(\.state) == [.firing])
    }

    @Test func historyKeepsOnlyWhatTheRulesRead() throws {
        let engine = try engine()
        _ = try registry.ingest(Heartbeat(agent: "a", metrics: HeartbeatMetrics(queueDepth: 3)), at: clock.now())
        engine.tick()
        let kept = engine.history.select([try LabelMatcher(.regexMatch, "__name__", ".+")], from: 0, through: .max)
        let names = Set(kept.map(\.labels.metricName))
        #expect(names == ["agent_up", "agent_health", "fleet:agents_up:sum"])
        let health = kept.filter { $0.labels.metricName == "agent_health" }.map { $0.labels["state"] }
        #expect(health == ["unreachable"])
    }

    @Test func eachSeriesIsKeptAsFarBackAsItsSelectorsRead() throws {
        let engine = RuleEngine(registry: registry, store: store, clock: clock, logger: Logger(label: "test"))
        let rules = """
            groups:
              - name: windows
                interval: 15s
                rules:
                  - alert: CostSpike
                    expr: rate(agent_cost_usd_total[1h]) > 1
                  - alert: Down
                    expr: agent_up == 0
            """
        engine.install(
            try RuleFileLoader.parse(rules, file: "w.yml"), settings: RuleEvaluationSettings(), generatorLink: .page("")
        )
        for _ in 0..<300 {
            _ = try registry.ingest(Heartbeat(agent: "a", metrics: HeartbeatMetrics(costUSD: 1)), at: clock.now())
            clock.advance(by: 15)
            engine.tick()
        }
        let now = clock.now().milliseconds
        func oldest(_ name: String) throws -> Int64? {
            engine.history.select([try LabelMatcher(.equal, "__name__", name)], from: 0, through: .max).first?
                .timestamps.first
        }
        // 1 h plus one interval for the range, 5 m lookback plus one interval for the instant selector.
        #expect(try now - (oldest("agent_cost_usd_total") ?? now) <= 3_615_000)
        #expect(try now - (oldest("agent_cost_usd_total") ?? now) >= 3_600_000)
        #expect(try now - (oldest("agent_up") ?? now) <= 315_000)
    }

    /// A subquery's selectors are kept for the subquery's range and step on top of their own range, and a
    /// rule reading that far back gets the value a full store would give (checked against a direct evaluation
    /// over a store that keeps everything).
    @Test func aSubqueryKeepsItsRangeAndStepOfHistory() throws {
        let engine = RuleEngine(registry: registry, store: store, clock: clock, logger: Logger(label: "test"))
        let rules = """
            groups:
              - name: subquery
                interval: 30s
                rules:
                  - record: agent:cost:max_rate_20m
                    expr: max_over_time(rate(agent_cost_usd_total[2m])[20m:1m])
                  - record: agent:cost:forecast
                    expr: predict_linear(agent_cost_usd_total[10m] @ end(), 600)
                  - alert: SpendingFast
                    expr: agent:cost:max_rate_20m > 100
            """
        engine.install(
            try RuleFileLoader.parse(rules, file: "s.yml"), settings: RuleEvaluationSettings(), generatorLink: .page("")
        )
        var everything = MemoryStorage()
        for step in 0..<120 {
            let spent = step < 100 ? 0.5 : 0.1
            _ = try registry.ingest(Heartbeat(agent: "a", metrics: HeartbeatMetrics(costUSD: spent)), at: clock.now())
            engine.tick()
            for series in engine.history.select(
                [try LabelMatcher(.equal, "__name__", "agent_cost_usd_total")], from: clock.now().milliseconds,
                through: clock.now().milliseconds)
            {
                for (time, value) in zip(series.timestamps, series.values) {
                    everything.append(series.labels, timestamp: time, value: value)
                }
            }
            clock.advance(by: 30)
        }
        let now = clock.now().milliseconds - 30_000
        let cost = try #require(
            engine.history.select(
                [try LabelMatcher(.equal, "__name__", "agent_cost_usd_total")], from: 0, through: .max
            )
            .first)
        // 20m range + 1m step + 2m range of the selector inside, plus one evaluation interval.
        #expect(now - (cost.timestamps.first ?? now) >= 23 * 60_000)
        #expect(now - (cost.timestamps.first ?? now) <= 23 * 60_000 + 30_000)
        let recorded = try #require(
            engine.history.select(
                [try LabelMatcher(.equal, "__name__", "agent:cost:max_rate_20m")], from: now, through: now
            ).first?.values.last)
        guard
            case .vector(let full) = try Evaluator(storage: everything).query(
                "max_over_time(rate(agent_cost_usd_total[2m])[20m:1m])", at: Timestamp(milliseconds: now))
        else { throw EvaluationError("expected a vector") }
        #expect(full.map(\.value) == [recorded])
        #expect(recorded > 0.009)  // 0.5 USD per 30 s still inside the 20 m: the faster rate is remembered.
    }
}
