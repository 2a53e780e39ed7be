import Model
import Testing

@testable import Fleet

/// A node merging what the other nodes sharing its database wrote (issue 20), with the stored rows made by hand:
/// counters are the stored ones plus this node's unwritten beats, another node's kill reaches this node's next reply,
/// this node's own unwritten kill is not undone, deletions are forgotten and unknown agents added.
struct FleetMergeTests {
    static let start = Timestamp(milliseconds: 1_764_108_000_000)

    /// What another node wrote for `name`: `beats` heartbeats of run `r1`, the last with `seq`.
    static func stored(_ name: String, beats: Double, seq: UInt64, at: Timestamp) -> AgentRecord {
        var record = AgentRecord(name: name, firstSeen: start)
        record.counters.heartbeats = beats
        record.counters.tasksSucceeded = beats
        record.runID = "r1"
        record.seq = seq
        record.lastBeat = at
        record.recordedState = .healthy
        record.stateSince = start
        return record
    }

    @Test func countersAreTheStoredOnesPlusThisNodesUnwrittenBeats() throws {
        let node = AgentRegistry()
        _ = try node.ingest(Heartbeat(agent: "w", runID: "r1", seq: 1), at: Self.start)
        _ = node.drainChanges()  // written
        _ = try node.ingest(Heartbeat(agent: "w", runID: "r1", seq: 7), at: Self.start + .seconds(7))
        node.merge(FleetFeed(agents: [Self.stored("w", beats: 5, seq: 6, at: Self.start + .seconds(6))], watermark: 3))

        let record = try #require(node.agent(named: "w"))
        #expect(record.counters.heartbeats == 6, "5 stored, 1 of this node's not yet written")
        #expect(record.seq == 7, "this node's newer beat stands")
        // Written afterwards, the unwritten beat still goes to the database exactly once.
        #expect(node.drainChanges().receipts.map(\.seq) == [7])
    }

    @Test func theTaskDurationHistogramIsTheStoredOnePlusThisNodesUnwrittenTasks() throws {
        let node = AgentRegistry()
        let task = { (milliseconds: Double) in TaskReport(success: true, latencyMilliseconds: milliseconds) }
        _ = try node.ingest(Heartbeat(agent: "w", runID: "r1", seq: 1, tasks: [task(50)]), at: Self.start)
        _ = node.drainChanges()  // written
        let later = Heartbeat(agent: "w", runID: "r1", seq: 7, tasks: [task(3_000)])
        _ = try node.ingest(later, at: Self.start + .seconds(7))
        var stored = Self.stored("w", beats: 5, seq: 6, at: Self.start + .seconds(6))
        for seconds in [0.05, 0.2, 0.2, 0.7, 0.7] { stored.taskDurations.observe(seconds) }
        node.merge(FleetFeed(agents: [stored], watermark: 3))

        let durations = try #require(node.agent(named: "w")?.taskDurations)
        #expect(durations.count == 6 && durations.sum == 1.85 + 3, "5 stored, 1 of this node's not yet written")
        #expect(durations.cumulativeCounts[durations.upperBounds.firstIndex(of: 5) ?? 0] == 6)
        // Written afterwards, only this node's task goes to the database as what the beat added.
        let added = try #require(node.drainChanges().receipts.first?.durations)
        #expect(added.count == 1 && added.sum == 3)
    }

    /// An operator's trial: beats alternating quickly between nodes lost an agent's last failure.
    @Test func aFailureReportedHereOutlivesTheOtherNodesNewerBeatWithoutIt() throws {
        let node = AgentRegistry()
        let failed = Heartbeat(agent: "w", runID: "r1", seq: 3, tasks: [TaskReport(success: false)])
        _ = try node.ingest(failed, at: Self.start + .seconds(3))
        _ = node.drainChanges()  // written
        var newer = Self.stored("w", beats: 4, seq: 4, at: Self.start + .seconds(4))
        newer.streak.lastSuccessAt = Self.start + .seconds(2)
        node.merge(FleetFeed(agents: [newer], watermark: 5))
        let streak = try #require(node.agent(named: "w")?.streak)
        #expect(streak.lastFailureAt == Self.start + .seconds(3))
        #expect(streak.lastSuccessAt == Self.start + .seconds(2))
    }

    @Test func anotherNodesNewerBeatMakesARetryOfItADuplicateHere() throws {
        let node = AgentRegistry()
        _ = try node.ingest(Heartbeat(agent: "w", runID: "r1", seq: 1), at: Self.start)
        _ = node.drainChanges()
        node.merge(FleetFeed(agents: [Self.stored("w", beats: 4, seq: 4, at: Self.start + .seconds(4))], watermark: 9))
        let retried = try node.ingest(Heartbeat(agent: "w", runID: "r1", seq: 4), at: Self.start + .seconds(5))
        #expect(retried.duplicate)
        #expect(node.agent(named: "w")?.counters.heartbeats == 4)
    }

    @Test func aKillWrittenByAnotherNodeReachesTheAgentsNextReplyHere() throws {
        let node = AgentRegistry()
        _ = try node.ingest(Heartbeat(agent: "w", runID: "r1", seq: 1), at: Self.start)
        _ = node.drainChanges()
        var killed = Self.stored("w", beats: 1, seq: 1, at: Self.start)
        killed.killed = OperatorAction(reason: "runaway", by: "ops", at: Self.start + .seconds(2))
        killed.recordedState = .killed
        killed.stateSince = Self.start + .seconds(2)
        node.merge(FleetFeed(agents: [killed], watermark: 2))

        let reply = try node.ingest(Heartbeat(agent: "w", runID: "r1", seq: 2), at: Self.start + .seconds(3))
        #expect(reply.killed && reply.state == .killed)
    }

    @Test func thisNodesOwnUnwrittenKillIsNotUndoneByAnOlderStoredRow() throws {
        let node = AgentRegistry()
        _ = try node.ingest(Heartbeat(agent: "w", runID: "r1", seq: 1), at: Self.start)
        _ = node.drainChanges()
        try node.kill("w", action: OperatorAction(reason: "loop", at: Self.start + .seconds(1)))
        node.merge(FleetFeed(agents: [Self.stored("w", beats: 1, seq: 1, at: Self.start)], watermark: 2))

        #expect(node.agent(named: "w")?.killed?.reason == "loop")
        #expect(node.drainChanges().controlled == ["w"], "the kill is written as an operator's change")
    }

    @Test func agentsDeletedElsewhereAreForgottenAndNewOnesAdded() throws {
        let node = AgentRegistry()
        _ = try node.ingest(Heartbeat(agent: "old"), at: Self.start)
        _ = node.drainChanges()
        node.merge(
            FleetFeed(
                agents: [Self.stored("new", beats: 2, seq: 2, at: Self.start)], deleted: ["old"], watermark: 5))

        #expect(node.agent(named: "old") == nil)
        #expect(node.agent(named: "new")?.counters.heartbeats == 2)
        #expect(node.count == 1)
        #expect(node.drainChanges().isEmpty, "what was merged is not written back")
    }
}
