import Foundation
import HeartbeatClient

/// Demo agents whose trouble is about being alive: healthy workers, a crash, a crash loop, an operator's kill.
enum DemoAgents {
    /// Buffers `tasks` finished tasks of ordinary work: 150-740 ms each, 1 in 25 failing, a little cost.
    static func ordinaryWork(_ client: HeartbeatClient, beat: Int, seed: Int, tasks: Int = 2) async throws {
        for task in 0..<tasks {
            let variation = (beat * 7 + task * 13 + seed * 29) % 60
            try await client.reportMetric(
                success: (beat * tasks + task + seed) % 25 != 0, latencyMs: 150 + Double(variation) * 10,
                costUSD: 0.0004, tokens: 250 + variation)
        }
        try await client.setGauges(queueDepth: (beat + seed) % 4, activeTasks: 1)
    }

    /// A healthy worker until the demo ends; then it deregisters.
    static func worker(_ context: DemoContext, _ name: String, seed: Int) async {
        guard let client = try? context.client(name, type: "worker", interval: .seconds(1)) else { return }
        let end = await context.beatLoop(client, every: .seconds(1)) { beat, _ in
            try await ordinaryWork(client, beat: beat, seed: seed)
            return true
        }
        await context.finish(client, end)
    }

    /// Works, then dies without a word: no more beats, no stop. Of type `scraper`, which no recovery ladder of
    /// the demo covers: it stays dead and pages.
    static func vanisher(_ context: DemoContext, _ name: String) async {
        guard let client = try? context.client(name, type: "scraper", interval: .seconds(3)) else { return }
        let end = await dieAfterCrashTime(context, client, seed: 7)
        await context.finish(client, end)
    }

    /// Works, then dies without a word, like the vanisher; but it is a worker, which the demo's recovery ladder
    /// covers: once it is degraded, the ladder's restart step (`examples/demo/restart-agent.sh`) asks the demo's
    /// supervisor to start it again, and it comes back (a new `run_id`) before any alert about it is sent.
    static func crasher(_ context: DemoContext, _ name: String) async {
        try? FileManager.default.removeItem(atPath: context.restartRequest(for: name))
        guard let client = try? context.client(name, type: "worker", interval: .seconds(3)) else { return }
        let end = await dieAfterCrashTime(context, client, seed: 4)
        guard case .scripted = end else { return await context.finish(client, end) }
        guard await context.awaitRestartRequest(for: name) else { return }
        context.say(name, "restarted by its supervisor, as the recovery ladder's restart step asked")
        guard let again = try? context.client(name, type: "worker", interval: .seconds(3)) else { return }
        let second = await context.beatLoop(again, every: .seconds(3)) { beat, _ in
            try await ordinaryWork(again, beat: beat, seed: 4)
            return true
        }
        await context.finish(again, second)
    }

    /// Beats every 3 s with ordinary work until ``DemoTimings/crashAfter``, then stops without deregistering.
    private static func dieAfterCrashTime(_ context: DemoContext, _ client: HeartbeatClient, seed: Int) async
        -> DemoContext.LoopEnd
    {
        await context.beatLoop(client, every: .seconds(3)) { beat, elapsed in
            guard elapsed < DemoTimings.crashAfter else {
                context.say(client.agent, "crashes: stops beating without deregistering")
                return false
            }
            try await ordinaryWork(client, beat: beat, seed: seed)
            try await client.setGauges(queueDepth: 0)
            return true
        }
    }

    /// Crashes after two beats and is restarted by its supervisor, again and again: each life is a new
    /// client, so a new `run_id`. When the demo ends, its last life deregisters, as a supervisor stopping it would.
    static func restarter(_ context: DemoContext, _ name: String) async {
        var lives = 0
        var last: HeartbeatClient?
        while context.running {
            guard let client = try? context.client(name, type: "worker", interval: .seconds(1)) else { return }
            last = client
            lives += 1
            if lives == 2 { context.say(name, "crashed on a poisoned task and restarts (new run_id); it will again") }
            let end = await context.beatLoop(client, every: .seconds(1)) { beat, _ in
                guard beat < 2 else { return false }
                try await ordinaryWork(client, beat: beat, seed: 5, tasks: 1)
                return true
            }
            guard case .scripted = end else {
                await context.finish(client, end)
                last = nil
                break
            }
            await context.pause(.milliseconds(500))
        }
        if let last { await context.finish(last, .demoOver) }
        context.say(name, "lived \(lives) lives")
    }

    /// Healthy until it goes rogue: every task fails, and when the operator kills it, it ignores the stop
    /// directive and keeps beating. Its error-rate alert fires while it is killed, so it is suppressed:
    /// listed as such in `/api/v2/alerts` and never notified.
    static func rogue(_ context: DemoContext, _ name: String) async {
        let ignoring: @Sendable (BeatReply) async -> Void = { _ in
            context.say(name, "reply says killed, directive stop: it ignores it and keeps beating")
        }
        guard let client = try? context.client(name, type: "worker", interval: .seconds(1), onKilled: ignoring)
        else { return }
        async let killing: Void = operatorKills(context, name, after: DemoTimings.rogueAfter)
        var announced = false
        // It stays killed when the demo ends: it does not deregister.
        _ = await context.beatLoop(client, every: .seconds(1), ignoringKills: true) { beat, elapsed in
            guard elapsed >= DemoTimings.rogueAfter else {
                try await ordinaryWork(client, beat: beat, seed: 6)
                return true
            }
            if !announced {
                context.say(name, "goes rogue: every task fails")
                announced = true
            }
            for _ in 0..<3 {
                try await client.reportMetric(success: false, latencyMs: 120, costUSD: 0.0004, tokens: 300)
            }
            return true
        }
        await killing
    }

    /// The operator's side: `POST /api/v1/agents/{agent}/kill` at `after`, unless the demo is over by then.
    static func operatorKills(_ context: DemoContext, _ agent: String, after: Duration) async {
        await context.wait(until: after)
        guard context.running else { return }
        let body = Data(#"{"reason": "demo: the operator stops a rogue agent", "by": "heartbeat-exporter demo"}"#.utf8)
        context.say("operator", "kills \(agent) (POST /api/v1/agents/\(agent)/kill)")
        guard let reply = await context.request("POST", "api/v1/agents/\(agent)/kill", body: body) else {
            context.say("operator", "could not kill \(agent): the exporter cannot be reached")
            return
        }
        if reply.status != 200 {
            let message = String(decoding: reply.body, as: UTF8.self)
            context.say("operator", "could not kill \(agent): HTTP \(reply.status) \(message)")
        }
    }
}
