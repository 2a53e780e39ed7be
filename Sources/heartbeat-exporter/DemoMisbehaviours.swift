import Foundation
import HeartbeatClient

/// Demo agents that are alive but misbehave: a cost loop, an error burst, a stuck agent, a slow one.
enum DemoMisbehaviours {
    /// Spends at its usual rate, then loops on a failing tool call at 30 times that rate, and again.
    static func spender(_ context: DemoContext, _ name: String) async {
        guard let client = try? context.client(name, type: "researcher", interval: .seconds(1)) else { return }
        var wasSpiking = false
        let end = await context.beatLoop(client, every: .seconds(1)) { beat, elapsed in
            let cycle = DemoTimings.calmSpend + DemoTimings.spikeSpend
            let spiking = elapsed.positiveRemainder(dividingBy: cycle) >= DemoTimings.calmSpend
            if spiking != wasSpiking {
                context.say(
                    name,
                    spiking
                        ? "stuck in a tool-call retry loop: spends \(Int(DemoTimings.spikeFactor))x its usual rate"
                        : "retry loop over: back to its usual spend")
                wasSpiking = spiking
            }
            let cost = DemoTimings.usualCostPerBeat * (spiking ? DemoTimings.spikeFactor : 1)
            try await client.reportMetric(success: true, latencyMs: 800, costUSD: cost, tokens: Int(cost * 500_000))
            try await client.setGauges(queueDepth: 1, activeTasks: 1)
            return true
        }
        await context.finish(client, end)
    }

    /// Three tasks per beat; during its error burst two of them fail.
    static func flaky(_ context: DemoContext, _ name: String) async {
        guard let client = try? context.client(name, type: "worker", interval: .seconds(1)) else { return }
        var wasFailing = false
        let end = await context.beatLoop(client, every: .seconds(1)) { beat, elapsed in
            let phase = elapsed.positiveRemainder(dividingBy: DemoTimings.errorCycle)
            let failing = phase >= DemoTimings.errorBurstStart && phase < DemoTimings.errorBurstEnd
            if failing != wasFailing {
                let news = failing ? "error burst: its model API answers 503, 2 of 3 tasks fail" : "error burst over"
                context.say(name, news)
                wasFailing = failing
            }
            for task in 0..<3 {
                try await client.reportMetric(
                    success: !(failing && task < 2), latencyMs: 300 + Double(task) * 50,
                    costUSD: 0.0003, tokens: 200)
            }
            try await client.reportMetric(errors: failing ? 2 : 0)
            try await client.setGauges(queueDepth: 2, activeTasks: 1)
            return true
        }
        await context.finish(client, end)
    }

    /// Works for a while, then hangs on a call without a timeout: still beating, queue growing, nothing done.
    static func stuck(_ context: DemoContext, _ name: String) async {
        guard let client = try? context.client(name, type: "worker", interval: .seconds(1)) else { return }
        var stuckSince: Int?
        let end = await context.beatLoop(client, every: .seconds(1)) { beat, elapsed in
            guard elapsed >= DemoTimings.stuckAfter else {
                try await DemoAgents.ordinaryWork(client, beat: beat, seed: 7, tasks: 1)
                return true
            }
            if stuckSince == nil {
                stuckSince = beat
                context.say(name, "blocks on a call without a timeout: keeps beating, finishes nothing")
            }
            await client.setCurrentTask("waiting for vector-db reply", progress: 0.3)
            try await client.setGauges(queueDepth: 2 + beat - (stuckSince ?? beat), activeTasks: 1)
            return true
        }
        await context.finish(client, end)
    }

    /// Every task takes 90-150 s; the demo reports those latencies without waiting for them.
    static func slowpoke(_ context: DemoContext, _ name: String) async {
        guard let client = try? context.client(name, type: "researcher", interval: .seconds(1)) else { return }
        let end = await context.beatLoop(client, every: .seconds(1)) { beat, _ in
            let latencyMs = 90_000 + Double((beat * 7_919) % 61) * 1_000
            try await client.reportMetric(success: true, latencyMs: latencyMs, costUSD: 0.001, tokens: 400)
            try await client.setGauges(queueDepth: 1, activeTasks: 1)
            return true
        }
        await context.finish(client, end)
    }
}

extension DemoMisbehaviours {
    /// A client configured with one label too many: every beat is refused (429), so the agent never joins the
    /// fleet; only the exporter's rejections (`GET /api/v1/rejections`, the status page) and their alert show it.
    static func mislabelled(_ context: DemoContext, _ name: String) async {
        let labels = (1...9).map { #""label_\#($0)": "x""# }.joined(separator: ", ")
        let body = Data(#"{"agent": "\#(name)", "interval_seconds": 1, "labels": {\#(labels)}}"#.utf8)
        var announced = false
        while context.running {
            if let reply = await context.request("POST", "api/v1/heartbeat", body: body), !announced {
                context.say(name, "sends nine labels: its beats are refused (HTTP \(reply.status))")
                announced = true
            }
            await context.pause(.seconds(1))
        }
    }
}

extension Duration {
    /// The remainder of dividing this (non-negative) duration by `cycle`, for repeating schedules.
    func positiveRemainder(dividingBy cycle: Duration) -> Duration {
        let cycles = (self / cycle).rounded(.down)
        return self - cycle * cycles
    }
}
