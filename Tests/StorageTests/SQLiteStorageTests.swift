import Model
import Fleet
import Storage
import TestSupport
import Testing

struct SQLiteStorageTests {
    let clock = ManualClock()

    @Test func agentsCountersKillStateAndHistoryComeBackAfterReopening() throws {
        let directory = TestPaths.temporaryDirectory()
        let registry = AgentRegistry()
        _ = try registry.ingest(
            Heartbeat(
                agent: "worker-1", agentType: "worker", host: "h1", runID: "r1", seq: 9, intervalSeconds: 30,
                currentTask: "refund", taskProgress: 0.5, labels: [("team", "payments"), ("tier", "gold")],
                tasks: [TaskReport(success: true, latencyMilliseconds: 1_500, costUSD: 0.125, tokens: 300)],
                metrics: HeartbeatMetrics(
                    costUSD: 1, tokens: 2, errors: 3, queueDepth: 4, activeTasks: 5, memoryBytes: 6)),
            at: clock.now())
        _ = try registry.ingest(Heartbeat(agent: "worker-2"), at: clock.now())
        try registry.kill("worker-1", action: OperatorAction(reason: "loop", by: "alice", at: clock.now()))
        try registry.stop("worker-2", action: OperatorAction(at: clock.now()))
        try SQLiteStorage(directory: directory).apply(registry.drainChanges())

        let restored = try SQLiteStorage(directory: directory).loadAgents()
        #expect(restored.map(\.name) == ["worker-1", "worker-2"])
        let original = try #require(registry.agent(named: "worker-1"))
        let back = restored[0]
        #expect(back.agentType == "worker" && back.host == "h1" && back.runID == "r1" && back.seq == 9)
        #expect(back.labels.map(\.name) == ["team", "tier"] && back.labels.map(\.value) == ["payments", "gold"])
        #expect(back.counters == original.counters)
        #expect(back.gauges == original.gauges)
        #expect(back.taskDurations == original.taskDurations)
        #expect(back.killed == original.killed)
        #expect(back.intervalSeconds == 30 && back.currentTask == "refund")
        #expect(back.history.map(\.reason) == ["first heartbeat", "killed by alice: loop"])
        #expect(back.infoLabels == original.infoLabels)
        #expect(restored[1].stopped != nil)
    }

    @Test func deletionRemovesTheAgentAndItsHistory() throws {
        let directory = TestPaths.temporaryDirectory()
        let store = try SQLiteStorage(directory: directory)
        let registry = AgentRegistry()
        _ = try registry.ingest(Heartbeat(agent: "gone"), at: clock.now())
        try store.apply(registry.drainChanges())
        try registry.delete("gone")
        try store.apply(registry.drainChanges())
        #expect(try store.loadAgents().isEmpty)
        #expect(try store.history(of: "gone", limit: 10).isEmpty)
    }

    @Test func aRestoredSilentAgentIsJudgedByItsLastBeat() throws {
        let directory = TestPaths.temporaryDirectory()
        let registry = AgentRegistry()
        _ = try registry.ingest(Heartbeat(agent: "quiet"), at: clock.now())
        try SQLiteStorage(directory: directory).apply(registry.drainChanges())

        clock.advance(by: 400)
        let restarted = AgentRegistry()
        restarted.restore(try SQLiteStorage(directory: directory).loadAgents())
        #expect(restarted.agent(named: "quiet")?.state(at: clock.now(), policy: .standard) == .unreachable)
        #expect(restarted.sweep(at: clock.now()).map(\.to) == [.unreachable])
    }

    @Test func anUnwritableDirectoryIsAClearError() {
        #expect(throws: StorageError.self) { try SQLiteStorage(directory: "/proc/no-such-place/data") }
    }
}

struct SQLiteStorageHistoryTests {
    @Test func storedHistoryIsBoundedToTheNewestTransitions() throws {
        let clock = ManualClock()
        let store = try SQLiteStorage(directory: TestPaths.temporaryDirectory())
        let registry = AgentRegistry()
        _ = try registry.ingest(Heartbeat(agent: "flappy"), at: clock.now())
        for round in 0..<(SQLiteStorage.storedHistoryLimit / 2 + 10) {
            try registry.kill("flappy", action: OperatorAction(reason: "round \(round)", at: clock.now()))
            try registry.resume("flappy", action: OperatorAction(at: clock.now()))
            try store.apply(registry.drainChanges())
        }
        let history = try store.history(of: "flappy", limit: 5_000)
        #expect(history.count == SQLiteStorage.storedHistoryLimit)
        #expect(history.last?.reason == "resumed")
        #expect(history[history.count - 2].reason == "killed: round \(SQLiteStorage.storedHistoryLimit / 2 + 9)")
    }
}
