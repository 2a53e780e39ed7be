import Foundation
import JSON
import Testing

/// `kill -9` under load, then a restart on the same storage: nothing acknowledged and committed is lost.
@Suite(.serialized)
struct CrashRecoveryTests {
    static let agents = (0..<20).map { "crash-\($0)" }

    /// Beats each of `agents` in turn for `seconds`, each with its own sequence; returns beats acknowledged.
    static func load(
        _ client: HTTPTestClient, seconds: Double, seqStart: Int,
        agents: [String] = CrashRecoveryTests.agents
    ) async throws -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        var acknowledged = 0, seq = seqStart
        while Date() < deadline {
            seq += 1
            for agent in agents {
                let beat = HTTPTestClient.beat(
                    agent, run: "run-\(agent)", seq: seq,
                    extra: #""tasks": [{"success": true, "cost_usd": 0.5}]"#)
                guard let reply = try? await client.post("/api/v1/heartbeat", beat), reply.status == 202 else {
                    return acknowledged
                }
                acknowledged += 1
            }
        }
        return acknowledged
    }

    static func counters(_ client: HTTPTestClient) async throws -> [String: Double] {
        let list = try await client.get("/api/v1/agents")
        var result: [String: Double] = [:]
        for agent in list.data.objectValue?["agents"]?.arrayValue ?? [] {
            guard let name = agent.objectValue?["agent"]?.stringValue,
                let beats = agent.objectValue?["metrics"]?.objectValue?["heartbeats_total"]?.numberValue
            else { continue }
            result[name] = beats
        }
        return result
    }

    @Test func killNineDuringLoadLosesNoAcknowledgedOperatorActionAndNoCommittedCounter() async throws {
        let first = try await ExporterProcess()
        let storage = first.storagePath
        let client = HTTPTestClient(baseURL: first.baseURL)

        // Phase 1: load, then let one batch interval pass so every counter is committed.
        _ = try await Self.load(client, seconds: 1.5, seqStart: 0)
        try await Task.sleep(for: .seconds(1.5))
        let committed = try await Self.counters(client)
        #expect(committed.count == Self.agents.count)

        // Phase 2: load in the background while operators act; every action is acknowledged before kill -9.
        // crash-15 … crash-19 stay silent, so that a beat does not revive the stopped one, and so does crash-9, so
        // that a beat racing the DELETE does not bring the deleted agent back.
        let background = Task {
            let beating = Self.agents.prefix(15).filter { $0 != "crash-9" }
            _ = try await Self.load(client, seconds: 2.5, seqStart: 100_000, agents: beating)
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(
            try await client.post("/api/v1/agents/crash-3/kill", #"{"reason": "runaway", "by": "ops"}"#).status == 200)
        #expect(try await client.post("/api/v1/agents/crash-17/stop").status == 200)
        #expect(try await client.post("/api/v1/agents/crash-7/kill").status == 200)
        #expect(try await client.post("/api/v1/agents/crash-7/resume", #"{"by": "ops"}"#).status == 200)
        #expect(try await client.request("DELETE", "/api/v1/agents/crash-9").status == 200)
        await first.killHard()
        _ = try await background.value

        let second = try await ExporterProcess(storagePath: storage)
        let after = HTTPTestClient(baseURL: second.baseURL)
        let restored = try await Self.counters(after)
        #expect(restored.count == Self.agents.count - 1)
        #expect(restored["crash-9"] == nil)
        for (agent, beats) in committed where agent != "crash-9" {
            #expect((restored[agent] ?? 0) >= beats, "\(agent): \(restored[agent] ?? 0) < committed \(beats)")
        }
        let killed = try await after.get("/api/v1/agents/crash-3")
        #expect(killed.data.objectValue?["state"]?.stringValue == "killed")
        #expect(killed.data.objectValue?["killed"]?.objectValue?["reason"]?.stringValue == "runaway")
        #expect(try await after.get("/api/v1/agents/crash-17").data.objectValue?["state"]?.stringValue == "stopped")
        let resumed = try await after.get("/api/v1/agents/crash-7")
        #expect(resumed.data.objectValue?["killed"] == .null)
        let history = try await after.get("/api/v1/agents/crash-7/history")
        let reasons = (history.data.arrayValue ?? []).compactMap { $0.objectValue?["reason"]?.stringValue }
        #expect(reasons.contains("killed"))
        #expect(reasons.contains("resumed by ops"))

        // The same run and sequence after the restart are still recognised as retries.
        let retry = try await after.post(
            "/api/v1/heartbeat", HTTPTestClient.beat("crash-0", run: "run-crash-0", seq: 1))
        #expect(retry.data.objectValue?["duplicate"] == .bool(true))
        await second.terminate()
    }

    @Test func sigtermWritesEveryAcknowledgedBeatBeforeExiting() async throws {
        let first = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: first.baseURL)
        for seq in 1...30 {
            #expect(
                try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("graceful", run: "r", seq: seq)).status
                    == 202)
        }
        #expect(await first.terminate() == 0)
        let second = try await ExporterProcess(storagePath: first.storagePath)
        let agent = try await HTTPTestClient(baseURL: second.baseURL).get("/api/v1/agents/graceful")
        #expect(agent.data.objectValue?["metrics"]?.objectValue?["heartbeats_total"]?.numberValue == 30)
        #expect(agent.data.objectValue?["seq"]?.numberValue == 30)
    }

    /// The exporter's own downtime is not held against an agent that was healthy when it stopped: its silence counts
    /// from the start, so it turns unreachable its threshold later, saying why; one already unreachable stays so.
    @Test func anAgentSilentWhileTheExporterWasDownCountsItsSilenceFromTheStart() async throws {
        let config = NSTemporaryDirectory() + "short-\(UUID().uuidString).yml"
        try "health:\n  degraded_after: 2s\n  unreachable_after: 4s\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let first = try await ExporterProcess(arguments: ["--config.file", config])
        let before = HTTPTestClient(baseURL: first.baseURL)
        _ = try await before.post("/api/v1/heartbeat", HTTPTestClient.beat("long-gone"))
        try await waitUntil("long-gone is unreachable before the exporter stops") {
            try await before.get("/api/v1/agents/long-gone").data.objectValue?["state"]?.stringValue == "unreachable"
        }
        _ = try await before.post("/api/v1/heartbeat", HTTPTestClient.beat("sleeper"))
        await first.terminate()
        try await Task.sleep(for: .seconds(4.5))
        let second = try await ExporterProcess(storagePath: first.storagePath, arguments: ["--config.file", config])
        let client = HTTPTestClient(baseURL: second.baseURL)
        func state(_ agent: String) async throws -> String? {
            try await client.get("/api/v1/agents/\(agent)").data.objectValue?["state"]?.stringValue
        }
        #expect(try await state("long-gone") == "unreachable", "already unreachable: judged by its last beat")
        #expect(try await state("sleeper") != "unreachable", "healthy when the exporter stopped: not at once")
        try await waitUntil("sleeper turns unreachable its threshold after the start", timeout: .seconds(20)) {
            try await state("sleeper") == "unreachable"
        }
        let metrics = try await client.get("/metrics").text
        #expect(sampleValue(metrics, #"agent_health{agent="sleeper",state="unreachable"}"#) == 1)
        let history = try await client.get("/api/v1/agents/sleeper/history").data.arrayValue ?? []
        let reason = history.last?.objectValue?["reason"]?.stringValue ?? ""
        #expect(reason.contains("since the exporter started"), "\(reason)")
        await second.terminate()
    }
}
