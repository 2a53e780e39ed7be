import Exposition
import Fleet
import Model
import TestSupport
import Testing

/// A large fleet's families rendered on several threads: the exposition is the same bytes as on one, in every
/// format and cardinality mode, so scrapes stay byte-identical whatever the machine's cores.
struct ParallelRenderTests {
    let clock = ManualClock()

    /// A fleet just above ``FleetExposition/parallelThreshold``: agents of three types, in every health state, with
    /// tasks (durations, costs, failures) and gauges.
    func fleet() throws -> [AgentRecord] {
        let registry = AgentRegistry()
        let count = FleetExposition.parallelThreshold + 17
        for index in 0..<count {
            let tasks = [
                TaskReport(success: index % 5 != 0, latencyMilliseconds: Double(index % 700) * 13, costUSD: 0.01)
            ]
            _ = try registry.ingest(
                Heartbeat(
                    agent: "agent-\(index)", agentType: ["planner", "coder", "critic"][index % 3],
                    host: "host-\(index % 40)", labels: [("team", index % 2 == 0 ? "ml" : "ops")], tasks: tasks,
                    metrics: HeartbeatMetrics(queueDepth: Double(index % 9))),
                at: clock.now() - .seconds(Double(index % 400)))
        }
        return registry.snapshot()
    }

    func render(
        _ agents: [AgentRecord], threads: Int, format: ExpositionFormat, options: ExpositionOptions
    ) -> [UInt8] {
        var writer = ExpositionWriter(format: format)
        FleetExposition.write(
            agents, at: clock.now(), policy: .standard, options: options, threads: threads, into: &writer)
        return writer.finish()
    }

    @Test(arguments: [ExpositionFormat.prometheusText, .openMetrics])
    func severalThreadsWriteTheSameBytesAsOne(format: ExpositionFormat) throws {
        let agents = try fleet()
        var perType = ExpositionOptions.standard
        perType.perAgentHistograms = false
        perType.droppedLabels = ["host"]
        for options in [ExpositionOptions.standard, perType] {
            let one = render(agents, threads: 1, format: format, options: options)
            #expect(one.count > 1_000_000, "a fleet large enough to be split: \(one.count) bytes")
            for threads in [2, 3, 4] {
                #expect(render(agents, threads: threads, format: format, options: options) == one, "\(threads) threads")
            }
        }
    }
}
