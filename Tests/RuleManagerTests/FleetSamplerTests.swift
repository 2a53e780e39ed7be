import Fleet
import Model
import PromQL
import Series
@testable import RuleManager
import Testing

/// The fleet's series as the rules see them, sampled snapshot after snapshot with the ids kept per agent.
struct FleetSamplerTests {
    let registry = AgentRegistry()
    let history = SampleHistory(retention: .init(metricNames: nil, window: .hours(1)))
    let sampler = FleetSampler()

    func sample(at seconds: Int, names: Set<String>) {
        sampler.sample(
            registry.snapshot(), at: Timestamp(seconds: seconds),
            policy: registry.currentConfiguration.policy,
            names: names, into: history)
    }

    /// The series holding a sample at `seconds` (stale markers excluded), as `name{labels}` text.
    func present(at seconds: Int) throws -> [String] {
        let time = Timestamp(seconds: seconds).milliseconds
        return history.select([try LabelMatcher(.regexMatch, "__name__", ".+")], from: time, through: time)
            .filter { !isStaleMarker($0.values.last ?? staleMarker) }
            .map(\.labels.seriesNotation)
    }

    @Test func theSeriesHaveTheLabelsOfMetrics() throws {
        _ = try registry.ingest(
            Heartbeat(
                agent: "a", agentType: "worker", host: "h1", labels: [("team", "x")],
                tasks: [TaskReport(success: true, latencyMilliseconds: 700)]), at: .epoch)
        sample(at: 15, names: ["agent_info", "agent_tasks_total", "agent_task_duration_seconds_bucket"])
        let buckets = ["0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "120", "300", "600", "+Inf"]
        let expected =
            buckets.map { #"agent_task_duration_seconds_bucket{agent="a", agent_type="worker", le="\#($0)"}"# }
            + [
                #"agent_info{agent="a", agent_type="worker", host="h1", team="x"}"#,
                #"agent_tasks_total{agent="a", agent_type="worker", outcome="failure"}"#,
                #"agent_tasks_total{agent="a", agent_type="worker", outcome="success"}"#,
            ]
        #expect(try present(at: 15) == expected.sorted())
        let bucket = history.select(
            [
                try LabelMatcher(.equal, "__name__", "agent_task_duration_seconds_bucket"),
                try LabelMatcher(.equal, "le", "1"),
            ],
            from: 0, through: .max)
        #expect(bucket.first.map { Array($0.values) } == [1])
    }

    /// An agent whose labels change gets new series at once; the old ones are marked stale, as after a scrape.
    @Test func aChangeOfAnAgentsLabelsIsSeenAtTheNextSnapshot() throws {
        _ = try registry.ingest(Heartbeat(agent: "a", agentType: "worker"), at: .epoch)
        _ = try registry.ingest(Heartbeat(agent: "b", agentType: "worker"), at: .epoch)
        sample(at: 15, names: ["agent_up"])
        _ = try registry.ingest(Heartbeat(agent: "a", agentType: "planner"), at: Timestamp(seconds: 20))
        sample(at: 30, names: ["agent_up"])
        sample(at: 45, names: ["agent_up"])
        #expect(
            try present(at: 45) == [
                #"agent_up{agent="a", agent_type="planner"}"#, #"agent_up{agent="b", agent_type="worker"}"#,
            ])
        let old = history.select(
            [try LabelMatcher(.equal, "agent_type", "worker"), try LabelMatcher(.equal, "agent", "a")],
            from: 0, through: .max)
        #expect(old.first.map { Array($0.timestamps) } == [15_000, 30_000])
        #expect(isStaleMarker(old.first?.values.last ?? 0))
    }

    @Test func valuesFollowTheAgentsFromSnapshotToSnapshot() throws {
        for (index, name) in ["a", "b", "c"].enumerated() {
            _ = try registry.ingest(
                Heartbeat(agent: name, metrics: HeartbeatMetrics(costUSD: Double(index + 1))),
                at: .epoch)
        }
        sample(at: 15, names: ["agent_cost_usd_total"])
        _ = try registry.ingest(
            Heartbeat(agent: "aa", metrics: HeartbeatMetrics(costUSD: 10)),
            at: Timestamp(seconds: 16))
        _ = try registry.ingest(
            Heartbeat(agent: "b", metrics: HeartbeatMetrics(costUSD: 5)),
            at: Timestamp(seconds: 16))
        sample(at: 30, names: ["agent_cost_usd_total"])
        let cost = history.select(
            [try LabelMatcher(.equal, "__name__", "agent_cost_usd_total")], from: 0, through: .max)
        #expect(cost.map { $0.labels["agent"] } == ["a", "aa", "b", "c"])
        #expect(cost.map { Array($0.values) } == [[1, 1], [10], [2, 7], [3, 3]])
    }
}
