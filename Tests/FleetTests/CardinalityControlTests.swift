import Exposition
import Fleet
import Model
import TestSupport
import Testing

/// `metrics.per_agent_histograms: false` and `metrics.drop_labels`: what `/metrics` exposes of the fleet.
struct CardinalityControlTests {
    let clock = ManualClock()
    let registry = AgentRegistry()

    func beat(_ agent: String, type: String?, latencies: [Double]) throws {
        let tasks = latencies.map { TaskReport(success: true, latencyMilliseconds: $0 * 1000) }
        _ = try registry.ingest(
            Heartbeat(
                agent: agent, agentType: type, host: "host-\(agent)", labels: [("pod", "\(agent)-x1"), ("team", "ml")],
                tasks: tasks),
            at: clock.now())
    }

    func render(_ options: ExpositionOptions) -> String {
        var writer = ExpositionWriter(format: .prometheusText)
        FleetExposition.write(
            registry.snapshot(), at: clock.now(), policy: .standard, options: options,
            histogramBounds: [1, 10], into: &writer)
        return String(decoding: writer.finish(), as: UTF8.self)
    }

    @Test func histogramsPerTypeSumTheAgentsOfEachTypeAndLeaveNoPerAgentSeries() throws {
        let registry = AgentRegistry(configuration: .init(taskDurationBounds: [1, 10]))
        for (agent, type, latencies) in [("a", "planner", [0.5, 5]), ("b", "planner", [20.0]), ("c", nil, [2.0])] {
            let tasks = latencies.map { TaskReport(success: true, latencyMilliseconds: $0 * 1000) }
            _ = try registry.ingest(Heartbeat(agent: agent, agentType: type, tasks: tasks), at: clock.now())
        }
        var writer = ExpositionWriter(format: .prometheusText)
        FleetExposition.write(
            registry.snapshot(), at: clock.now(), policy: .standard,
            options: ExpositionOptions(perAgentHistograms: false), histogramBounds: [1, 10], into: &writer)
        let text = String(decoding: writer.finish(), as: UTF8.self)
        #expect(text.contains("# HELP agent_task_duration_seconds \(ExpositionOptions.typeHistogramHelp)\n"))
        #expect(!text.contains(#"agent_task_duration_seconds_bucket{agent="#))
        #expect(text.contains(#"agent_task_duration_seconds_bucket{agent_type="planner",le="1"} 1"#))
        #expect(text.contains(#"agent_task_duration_seconds_bucket{agent_type="planner",le="10"} 2"#))
        #expect(text.contains(#"agent_task_duration_seconds_bucket{agent_type="planner",le="+Inf"} 3"#))
        #expect(text.contains(#"agent_task_duration_seconds_sum{agent_type="planner"} 25.5"#))
        #expect(text.contains(#"agent_task_duration_seconds_count{agent_type="planner"} 3"#))
        #expect(text.contains("agent_task_duration_seconds_bucket{le=\"10\"} 1\n"), "the untyped agent, no label")
        #expect(text.contains(#"agent_tasks_total{agent="a",agent_type="planner",outcome="success"} 2"#))
    }

    @Test func droppedLabelsLeaveEverySeries() throws {
        try beat("a", type: "planner", latencies: [])
        let text = render(ExpositionOptions(droppedLabels: ["pod", "host", "agent_type"]))
        #expect(text.contains(#"agent_info{agent="a",team="ml"} 1"#))
        #expect(text.contains(#"agent_up{agent="a"} 1"#))
        #expect(text.contains(#"agent_task_duration_seconds_count{agent="a"} 0"#))
        #expect(!text.contains("pod=") && !text.contains("host=") && !text.contains("agent_type="))
        let standard = render(.standard)
        #expect(standard.contains(#"agent_info{agent="a",agent_type="planner",host="host-a",pod="a-x1",team="ml"} 1"#))
    }

    @Test func aHistogramWithOtherBucketsIsAddedAtTheNearestBoundBelow() {
        var old = DurationHistogram(upperBounds: [0.5, 2, 30])
        for seconds in [0.1, 1, 1.5, 20, 100] { old.observe(seconds) }
        var total = DurationHistogram(upperBounds: [1, 10])
        total.add(old)
        // At 1: what was ≤ 0.5 (1 task); at 10: what was ≤ 2 (3 tasks); 20 s and 100 s only in +Inf.
        #expect(total.cumulativeCounts == [1, 3, 5])
        #expect(total.count == 5 && total.sum == 122.6)
    }
}
