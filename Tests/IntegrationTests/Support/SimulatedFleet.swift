import Foundation

/// A small fleet that beats every second with every field a heartbeat can carry: tasks with outcomes, latency,
/// cost and tokens; cost, token and error deltas; queue depth, active tasks, memory, progress and the current
/// task. Each agent has a role so that every panel of the Grafana dashboards has something to show.
struct SimulatedFleet: Sendable {
    /// One simulated agent: its name, type, and how it behaves at beat `n`.
    struct Agent: Sendable {
        var name: String
        var type: String
        var body: @Sendable (_ name: String, _ type: String, _ n: Int) -> String
    }

    let client: HTTPTestClient

    /// `coder.2` fails 4 tasks in 10 (so an error-rate alert goes pending in Prometheus), `flaky-3` restarts at
    /// every beat, `planner-1` works steadily, `idle-4` beats once with a 1 s interval and turns degraded, then
    /// unreachable.
    static let agents: [Agent] = [
        Agent(name: "planner-1", type: "planner") { name, type, n in
            let tasks = (0..<2).map { task(success: true, latency: 300 + Double(($0 + n) % 7) * 90) }
            return beat(name, type, run: "p1", seq: n, tasks: tasks, cost: 0.005, tokens: 100, errors: 0,
                        queue: n % 5, active: 1, memory: 150_000_000, progress: Double(n % 10) / 10)
        },
        Agent(name: "coder.2", type: "coder") { name, type, n in
            let tasks = (0..<10).map { task(success: $0 >= 4, latency: 1000 + Double(($0 * 7 + n) % 20) * 950) }
            return beat(name, type, run: "c2", seq: n, tasks: tasks, cost: 0.05, tokens: 2000, errors: 2,
                        queue: 7, active: 3, memory: 300_000_000, progress: Double(n % 4) / 4)
        },
        Agent(name: "flaky-3", type: "coder") { name, type, n in
            beat(name, type, run: "f\(n)", seq: 1, tasks: [task(success: true, latency: 4200)], cost: 0.01, tokens: 300,
                 errors: 1, queue: 1, active: 1, memory: 90_000_000, progress: 0.5)
        },
    ]

    /// Beats once per second for `seconds` at most, until the surrounding task is cancelled; returns the
    /// replies that were not 202 (status and body), which a correct exporter never gives.
    func run(seconds: Int) async -> [String] {
        var rejected: [String] = []
        for n in 1...seconds {
            guard !Task.isCancelled else { break }
            for agent in Self.agents {
                do {
                    let reply = try await client.post("/api/v1/heartbeat", agent.body(agent.name, agent.type, n))
                    if reply.status != 202 { rejected.append("\(agent.name): \(reply.status) \(reply.text)") }
                } catch {
                    rejected.append("\(agent.name): \(error)")
                }
            }
            try? await Task.sleep(for: .seconds(1))
        }
        return rejected
    }

    /// An agent that beats once and then falls silent (degraded after 3 s, unreachable after 10 s).
    func beatIdleAgentOnce() async throws {
        let body = #"{"agent": "idle-4", "agent_type": "planner", "interval_seconds": 1, "current_task": "waiting"}"#
        _ = try await client.post("/api/v1/heartbeat", body)
    }

    private static func task(success: Bool, latency: Double) -> String {
        #"{"success": \#(success), "latency_ms": \#(latency), "cost_usd": 0.002, "tokens": 150}"#
    }

    private static func beat(
        _ name: String, _ type: String, run: String, seq: Int, tasks: [String], cost: Double, tokens: Int, errors: Int,
        queue: Int, active: Int, memory: Int, progress: Double
    ) -> String {
        """
        {"agent": "\(name)", "agent_type": "\(type)", "host": "sim-host", "run_id": "\(run)", "seq": \(seq),
         "interval_seconds": 10, "status": "healthy", "current_task": "task \(seq)", "task_progress": \(progress),
         "labels": {"team": "simulation"}, "tasks": [\(tasks.joined(separator: ", "))],
         "metrics": {"cost_usd": \(cost), "tokens": \(tokens), "errors": \(errors), "queue_depth": \(queue),
                     "active_tasks": \(active), "memory_bytes": \(memory)}}
        """
    }
}
