import Foundation
import Model
import PromQL
import Rules
import Testing

/// Rules of a group that neither read another rule's output nor are read by another are evaluated beside the
/// others (Prometheus' `concurrent-rule-eval`), with the same samples and alerts as in order.
@Suite struct ConcurrentRuleEvaluationTests {
    private func load(_ text: String) throws -> RuleGroup {
        try #require(try RuleFileLoader.parse(text, file: "rules.yml").first)
    }

    static let work = """
        groups:
          - name: work
            rules:
              - record: agent:tasks:rate1m
                expr: sum by (agent) (rate(agent_tasks_total[1m]))
              - record: agent:failures:rate1m
                expr: sum by (agent) (rate(agent_tasks_total{outcome="failure"}[1m]))
              - alert: ErrorRateHigh
                expr: agent:failures:rate1m / agent:tasks:rate1m > 0.2
              - alert: Busy
                expr: agent_queue_depth > 3
              - alert: Expensive
                expr: rate(agent_cost_usd_total[1m]) > 0.01
        """

    @Test func independentRulesAreThoseNoOtherRuleOfTheGroupReadsOrIsReadBy() throws {
        let group = try load(Self.work)
        #expect(group.concurrentRuleNames == ["Busy", "Expensive"])
    }

    @Test func theShippedWorkGroupEvaluatesItsThreeIndependentAlertsBesideTheErrorRateRules() throws {
        let groups = try RuleFileLoader.load([shippedRulesDirectory.appendingPathComponent("work.yml").path])
        let work = try #require(groups.first { $0.name == "agent-work" })
        #expect(work.concurrentRuleNames == ["AgentStuck", "AgentTaskLatencyHigh", "AgentCostSpike"])
    }

    @Test func aGroupReadingTheAlertsSeriesOrASelectorWithoutANameRunsInOrder() throws {
        for expression in ["ALERTS{alertname=\"Busy\"}", "{__name__=~\"agent_.*\"} > 1"] {
            let group = try load(
                """
                groups:
                  - name: g
                    rules:
                      - alert: Busy
                        expr: agent_queue_depth > 3
                      - alert: Other
                        expr: agent_up == 0
                      - alert: Meta
                        expr: '\(expression)'
                """)
            #expect(group.concurrentRuleNames.isEmpty, "\(expression)")
        }
    }

    /// A fleet of `agents` agents over two minutes: tasks (a tenth failing), queues and cost.
    private func fleet(_ agents: Int) -> MemorySeriesStore {
        let store = MemorySeriesStore()
        for agent in 0..<agents {
            let name = "agent-\(agent)"
            for step in 0...8 {
                let time = Int64(step) * 15_000
                let tasks = Double(step * (agent % 7 + 1))
                store.append(
                    Labels(["__name__": "agent_tasks_total", "agent": name, "outcome": "success"]), timestamp: time,
                    value: tasks)
                store.append(
                    Labels(["__name__": "agent_tasks_total", "agent": name, "outcome": "failure"]), timestamp: time,
                    value: agent % 10 == 0 ? tasks : 0)
                store.append(
                    Labels(["__name__": "agent_queue_depth", "agent": name]), timestamp: time, value: Double(agent % 5))
                store.append(
                    Labels(["__name__": "agent_cost_usd_total", "agent": name]), timestamp: time,
                    value: Double(step) * Double(agent % 3))
            }
        }
        return store
    }

    @Test func concurrentEvaluationGivesTheSameSamplesAndAlertsAsInOrder() throws {
        let inOrder = try load(Self.work)
        let concurrent = try load(Self.work)
        let sequentialStore = fleet(200)
        let concurrentStore = fleet(200)
        for step in 8...10 {
            let time = Timestamp(milliseconds: Int64(step) * 15_000)
            let one = inOrder.evaluate(at: time, queryable: sequentialStore, sink: sequentialStore)
            let four = concurrent.evaluate(at: time, queryable: concurrentStore, sink: concurrentStore, concurrency: 4)
            #expect(one.failures == 0 && four.failures == 0)
            #expect(one.samplesWritten == four.samplesWritten)
            #expect(one.alertsToSend.map(\.expression) == four.alertsToSend.map(\.expression))
            #expect(
                one.alertsToSend.map { $0.alerts.map(\.labels) } == four.alertsToSend.map { $0.alerts.map(\.labels) })
        }
        let alerts = { (group: RuleGroup) in
            group.alertingRules.flatMap(\.activeAlerts).map { "\($0.labels) \($0.value)" }.sorted()
        }
        #expect(alerts(inOrder) == alerts(concurrent))
        #expect(Set(alerts(inOrder).map { $0.contains("ErrorRateHigh") }) == [true, false])
        #expect(
            alerts(inOrder).contains { $0.contains("Busy") } && alerts(inOrder).contains { $0.contains("Expensive") })
    }
}
