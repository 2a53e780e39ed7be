import Fleet
import TestSupport
import Testing

struct AgentRegistryTests {
    let clock = ManualClock()
    let registry = AgentRegistry()

    func beat(
        _ agent: String = "a", run: String? = "run-1", seq: UInt64? = nil, interval: Double? = nil,
        tasks: [TaskReport] = [], metrics: HeartbeatMetrics = HeartbeatMetrics()
    ) throws -> IngestOutcome {
        try registry.ingest(
            Heartbeat(agent: agent, runID: run, seq: seq, intervalSeconds: interval, tasks: tasks, metrics: metrics),
            at: clock.now())
    }

    func state(_ agent: String = "a") -> HealthState? {
        registry.agent(named: agent)?.state(at: clock.now(), policy: .standard)
    }

    @Test func aRetriedBeatIsAcknowledgedButNotCountedTwice() throws {
        let task = [TaskReport(success: true, costUSD: 0.5)]
        #expect(try beat(seq: 1, tasks: task).duplicate == false)
        #expect(try beat(seq: 1, tasks: task).duplicate == true)
        #expect(try beat(seq: 0, tasks: task).duplicate == true)
        let agent = try #require(registry.agent(named: "a"))
        #expect(agent.counters.heartbeats == 1)
        #expect(agent.counters.tasksSucceeded == 1)
        #expect(agent.counters.costUSD == 0.5)
        #expect(try beat(seq: 2, tasks: task).duplicate == false)
        #expect(registry.agent(named: "a")?.counters.heartbeats == 2)
    }

    @Test func aNewRunIDCountsARestartAndResetsTheSequence() throws {
        _ = try beat(run: "r1", seq: 7)
        _ = try beat(run: "r2", seq: 1)
        _ = try beat(run: "r2", seq: 2)
        let agent = try #require(registry.agent(named: "a"))
        #expect(agent.counters.restarts == 1)
        #expect(agent.counters.heartbeats == 3)
        #expect(agent.runID == "r2")
        #expect(agent.seq == 2)
    }

    @Test func beatsWithoutSequenceAreAlwaysCounted() throws {
        _ = try beat(run: nil)
        _ = try beat(run: nil)
        #expect(registry.agent(named: "a")?.counters.heartbeats == 2)
        #expect(registry.agent(named: "a")?.counters.restarts == 0)
    }

    @Test func tasksAndMetricsAccumulate() throws {
        _ = try beat(
            tasks: [
                TaskReport(success: true, latencyMilliseconds: 200, costUSD: 0.25, tokens: 10),
                TaskReport(success: false, latencyMilliseconds: 7_000),
            ],
            metrics: HeartbeatMetrics(costUSD: 1, tokens: 5, errors: 2, queueDepth: 3))
        _ = try beat(metrics: HeartbeatMetrics(costUSD: 1, errors: 1))
        let agent = try #require(registry.agent(named: "a"))
        #expect(agent.counters.tasksSucceeded == 1)
        #expect(agent.counters.tasksFailed == 1)
        #expect(agent.counters.costUSD == 2.25)
        #expect(agent.counters.tokens == 15)
        #expect(agent.counters.errors == 3)
        #expect(agent.gauges.queueDepth == 3)
        #expect(agent.taskDurations.count == 2)
        #expect(abs(agent.taskDurations.sum - 7.2) < 1e-9)
        #expect(agent.taskDurations.cumulativeCounts == [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2])
    }

    @Test func theLatestFailedTaskWithAnErrorIsTheAgentsLastTaskError() throws {
        _ = try beat(tasks: [TaskReport(success: false, error: "KeyError: 'id'")])
        clock.advance(by: 10)
        let second = clock.now()
        _ = try beat(tasks: [
            TaskReport(success: false, error: "TimeoutError: 30 s"), TaskReport(success: false),
            TaskReport(success: true, error: "ignored on a success"),
        ])
        #expect(registry.agent(named: "a")?.lastTaskError == TaskError(message: "TimeoutError: 30 s", at: second))
        #expect(registry.agent(named: "a")?.counters.tasksFailed == 3)
    }

    @Test func healthFollowsTheAgeOfTheLastBeatAndSweepRecordsEachChange() throws {
        _ = try beat()
        #expect(state() == .healthy)
        clock.advance(by: 89)
        #expect(registry.sweep(at: clock.now()).isEmpty)
        clock.advance(by: 1)
        #expect(state() == .degraded)
        #expect(registry.sweep(at: clock.now()).map(\.to) == [.degraded])
        #expect(registry.sweep(at: clock.now()).isEmpty)
        clock.advance(by: 210)
        let unreachable = registry.sweep(at: clock.now())
        #expect(unreachable.map(\.to) == [.unreachable])
        #expect(unreachable.first?.reason == "no heartbeat for 5m")
        _ = try beat()
        #expect(state() == .healthy)
        let history = registry.agent(named: "a")?.history.map { "\($0.from?.rawValue ?? "-")>\($0.to.rawValue)" }
        #expect(history == ["->healthy", "healthy>degraded", "degraded>unreachable", "unreachable>healthy"])
    }

    @Test func intervalScalesWhenTheAgentIsJudged() throws {
        _ = try beat(interval: 600)
        clock.advance(by: 3 * 600 - 1)
        #expect(state() == .healthy)
        clock.advance(by: 1)
        #expect(state() == .degraded)
        clock.advance(by: 7 * 600)
        #expect(state() == .unreachable)
    }

    @Test func killedStaysKilledWhateverItSendsUntilResumed() throws {
        _ = try beat()
        try registry.kill("a", action: OperatorAction(reason: "runaway cost", by: "alice", at: clock.now()))
        #expect(state() == .killed)
        let reply = try beat()
        #expect(reply.killed && reply.state == .killed)
        #expect(registry.agent(named: "a")?.counters.heartbeats == 2)
        clock.advance(by: 1_000)
        #expect(registry.sweep(at: clock.now()).isEmpty)
        #expect(state() == .killed)
        try registry.resume("a", action: OperatorAction(by: "bob", at: clock.now()))
        #expect(state() == .healthy)
        let reasons = registry.agent(named: "a")?.history.map(\.reason)
        #expect(reasons == ["first heartbeat", "killed by alice: runaway cost", "resumed by bob"])
    }

    @Test func aResumedAgentThatObeyedTheKillCountsItsSilenceFromTheResume() throws {
        _ = try beat()
        try registry.kill("a", action: OperatorAction(at: clock.now()))
        clock.advance(by: 3_600)  // it stopped beating, as told
        try registry.resume("a", action: OperatorAction(by: "bob", at: clock.now()))
        #expect(state() == .healthy)

        clock.advance(by: 89)
        #expect(registry.sweep(at: clock.now()).isEmpty)
        #expect(state() == .healthy)
        clock.advance(by: 1)
        let degraded = registry.sweep(at: clock.now())
        #expect(degraded.map(\.to) == [.degraded])
        #expect(degraded.first?.reason == "no heartbeat for 1h1m30s, 1m30s since resumed")
        clock.advance(by: 209)
        #expect(registry.sweep(at: clock.now()).isEmpty)
        clock.advance(by: 1)
        #expect(registry.sweep(at: clock.now()).map(\.to) == [.unreachable])
        _ = try beat()
        #expect(state() == .healthy)
        clock.advance(by: 90)
        #expect(state() == .degraded, "a beat after the resume counts from the beat again")
    }

    @Test func stoppedAgentsAreRevivedByABeatAndForgottenAfterRetention() throws {
        _ = try beat("s")
        try registry.stop("s", action: OperatorAction(at: clock.now()))
        #expect(state("s") == .stopped)
        clock.advance(by: 600)
        #expect(state("s") == .stopped)
        _ = try beat("s")
        #expect(state("s") == .healthy)
        try registry.stop("s", action: OperatorAction(at: clock.now()))
        clock.advance(by: 86_399)
        registry.sweep(at: clock.now())
        #expect(registry.agent(named: "s") != nil)
        clock.advance(by: 1)
        registry.sweep(at: clock.now())
        #expect(registry.agent(named: "s") == nil)
        #expect(registry.count == 0)
    }

    @Test func unknownAgentsAreReported() {
        #expect(throws: RegistryError.unknownAgent("ghost")) {
            try registry.kill("ghost", action: OperatorAction(at: clock.now()))
        }
        #expect(throws: RegistryError.unknownAgent("ghost")) { try registry.delete("ghost") }
    }

    @Test func theAgentLimitRefusesNewAgentsOnly() throws {
        let small = AgentRegistry(configuration: AgentRegistry.Configuration(maxAgents: 2))
        _ = try small.ingest(Heartbeat(agent: "a"), at: clock.now())
        _ = try small.ingest(Heartbeat(agent: "b"), at: clock.now())
        #expect(throws: RegistryError.agentLimitReached(limit: 2)) {
            try small.ingest(Heartbeat(agent: "c"), at: clock.now())
        }
        _ = try small.ingest(Heartbeat(agent: "a"), at: clock.now())
        try small.delete("b")
        _ = try small.ingest(Heartbeat(agent: "c"), at: clock.now())
        #expect(small.count == 2)
    }

    @Test func drainHandsOverEachChangeOnceWithDeletionsSeparate() throws {
        _ = try beat("a")
        _ = try beat("b")
        try registry.delete("b")
        let first = registry.drainChanges()
        #expect(first.upserts.map(\.name) == ["a"])
        #expect(first.deletions == ["b"])
        #expect(first.transitions.map(\.agent) == ["a"])
        #expect(registry.drainChanges().isEmpty)
    }

    @Test func snapshotIsSortedByName() throws {
        for name in ["zeta", "alpha", "mid", "beta"] { _ = try beat(name) }
        #expect(registry.snapshot().map(\.name) == ["alpha", "beta", "mid", "zeta"])
    }

    @Test func transitionsAreCountedByTargetState() throws {
        _ = try beat()
        clock.advance(by: 100)
        registry.sweep(at: clock.now())
        #expect(registry.transitionsByTargetState == [.healthy: 1, .degraded: 1])
    }
}
