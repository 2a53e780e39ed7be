import Fleet
import Model
import TestSupport
import Testing

@testable import Storage

/// Two exporters writing one fleet into one PostgreSQL (issue 20): each node's batches carry what its beats added,
/// and the database counts every beat once, whichever node received it, retried or not, and in whichever order the
/// nodes write.
struct SharedFleetCountingTests {
    static let start = Timestamp(milliseconds: 1_764_108_000_123)

    /// A beat of `agent` with one successful task costing 0.5 and 100 tokens.
    static func beat(_ agent: String, run: String, seq: UInt64) -> Heartbeat {
        Heartbeat(
            agent: agent, runID: run, seq: seq,
            tasks: [TaskReport(success: true, latencyMilliseconds: 100, costUSD: 0.5, tokens: 100)])
    }

    @Test(arguments: [false, true])
    func beatsAlternatingBetweenNodesAreCountedOnceEach(secondNodeWritesFirst: Bool) throws {
        let server = try PostgresServer()
        let nodes = [AgentRegistry(), AgentRegistry()]
        let stores = [
            try PostgresStorage(connectionString: server.connectionString),
            try PostgresStorage(connectionString: server.connectionString),
        ]
        let agents = (0..<10).map { "agent-\($0)" }
        for seq in UInt64(1)...4 {
            for (index, agent) in agents.enumerated() {
                let node = nodes[(index + Int(seq)) % 2]
                _ = try node.ingest(
                    Self.beat(agent, run: "run-\(agent)", seq: seq), at: Self.start + .seconds(Int(seq)))
            }
            guard seq == 3 else { continue }
            // The reply to agent-0's third beat (to node 1) was lost: its client sent it again, to node 0.
            let retried = try nodes[0].ingest(
                Self.beat("agent-0", run: "run-agent-0", seq: 3), at: Self.start + .seconds(3))
            #expect(!retried.duplicate, "node 0 has not seen the beat; only the database can tell")
        }

        let order = secondNodeWritesFirst ? [1, 0] : [0, 1]
        for index in order { try stores[index].apply(nodes[index].drainChanges()) }

        let loaded = try stores[0].loadAgents()
        #expect(loaded.map(\.name) == agents)
        for record in loaded {
            #expect(record.counters.heartbeats == 4, "\(record.name)")
            #expect(record.counters.tasksSucceeded == 4, "\(record.name)")
            #expect(record.counters.costUSD == 2, "\(record.name)")
            #expect(record.counters.tokens == 400, "\(record.name)")
            #expect(record.counters.restarts == 0, "\(record.name)")
            let durations = record.taskDurations
            #expect(durations.count == 4 && durations.cumulativeCounts.first == 4, "4 tasks of 0.1 s: \(record.name)")
        }
    }

    /// Runs and agents are sent to the database as array literals: quotes, backslashes, commas, braces, `NULL` and
    /// non-ASCII text in them arrive as they were, and a retry of such a beat is still recognised.
    @Test func oddRunIDsAndNamesArriveIntactAndRetriesOfThemCountOnce() throws {
        let server = try PostgresServer()
        let a = AgentRegistry(), b = AgentRegistry()
        let store = try PostgresStorage(connectionString: server.connectionString)
        let runs = [#"r"1"#, #"back\slash"#, "a,b", "{x}", "NULL", "", " ünïcödé ✓ "]
        for (index, run) in runs.enumerated() {
            let agent = "agent \(index) \"q\""
            _ = try a.ingest(Self.beat(agent, run: run, seq: 1), at: Self.start)
            _ = try b.ingest(Self.beat(agent, run: run, seq: 1), at: Self.start)  // the same beat, retried to b
        }
        try store.apply(a.drainChanges())
        try store.apply(b.drainChanges())
        let loaded = try store.loadAgents()
        #expect(Set(loaded.compactMap(\.runID)) == Set(runs))
        #expect(loaded.count == runs.count && loaded.allSatisfy { $0.counters.heartbeats == 1 })
    }

    /// A task's last failure, reported to one node, stays in the row when the other node writes a newer beat without it.
    @Test func theLastFailureStaysWhenAnotherNodeWritesANewerBeat() throws {
        let server = try PostgresServer()
        let a = AgentRegistry(), b = AgentRegistry()
        let store = try PostgresStorage(connectionString: server.connectionString)
        let failed = Heartbeat(agent: "w", runID: "r1", seq: 1, tasks: [TaskReport(success: false)])
        _ = try a.ingest(failed, at: Self.start)
        _ = try b.ingest(Self.beat("w", run: "r1", seq: 2), at: Self.start + .seconds(1))
        try store.apply(a.drainChanges())
        try store.apply(b.drainChanges())
        let streak = try #require(try store.loadAgents().first?.streak)
        #expect(streak.lastFailureAt == Self.start)
        #expect(streak.lastSuccessAt == Self.start + .seconds(1))
    }

    /// Several runs in one batch: each new run after the agent's first is a restart.
    @Test func runsNewInOneBatchCountOneRestartEachAfterTheFirst() throws {
        let server = try PostgresServer()
        let node = AgentRegistry()
        let store = try PostgresStorage(connectionString: server.connectionString)
        for (offset, run) in ["r1", "r2", "r3"].enumerated() {
            _ = try node.ingest(Self.beat("w", run: run, seq: 1), at: Self.start + .seconds(offset))
        }
        try store.apply(node.drainChanges())
        #expect(try store.loadAgents().first?.counters.restarts == 2)
        _ = try node.ingest(Self.beat("w", run: "r4", seq: 1), at: Self.start + .seconds(5))
        try store.apply(node.drainChanges())
        #expect(try store.loadAgents().first?.counters.restarts == 3)
    }

    /// A restart seen by both nodes (each saw the old run, then the new one) is one restart.
    @Test func aRestartSeenByBothNodesCountsOnce() throws {
        let server = try PostgresServer()
        let a = AgentRegistry(), b = AgentRegistry()
        let store = try PostgresStorage(connectionString: server.connectionString)
        _ = try a.ingest(Self.beat("w", run: "r1", seq: 1), at: Self.start)
        _ = try b.ingest(Self.beat("w", run: "r1", seq: 2), at: Self.start + .seconds(1))
        _ = try a.ingest(Self.beat("w", run: "r2", seq: 1), at: Self.start + .seconds(2))
        _ = try b.ingest(Self.beat("w", run: "r2", seq: 2), at: Self.start + .seconds(3))
        try store.apply(b.drainChanges())
        try store.apply(a.drainChanges())

        let record = try #require(try store.loadAgents().first)
        #expect(record.counters.restarts == 1)
        #expect(record.counters.heartbeats == 4)
    }

    /// A batch whose write failed is written with the next, and its beats are still counted once.
    @Test func aBatchWrittenTwiceCountsItsBeatsOnce() throws {
        let server = try PostgresServer()
        let node = AgentRegistry()
        let store = try PostgresStorage(connectionString: server.connectionString)
        _ = try node.ingest(Self.beat("w", run: "r1", seq: 1), at: Self.start)
        _ = try node.ingest(Self.beat("w", run: "r1", seq: 2), at: Self.start + .seconds(1))
        let changes = node.drainChanges()
        try store.apply(changes)
        // Written again, as after a commit whose acknowledgement was lost.
        try store.apply(changes)
        #expect(try store.loadAgents().first?.counters.heartbeats == 2)
    }

    /// Beats without `run_id` and `seq` cannot be recognised when retried: every one is counted.
    @Test func beatsWithoutRunAndSeqAreAllCounted() throws {
        let server = try PostgresServer()
        let a = AgentRegistry(), b = AgentRegistry()
        let store = try PostgresStorage(connectionString: server.connectionString)
        _ = try a.ingest(Heartbeat(agent: "cron"), at: Self.start)
        _ = try b.ingest(Heartbeat(agent: "cron"), at: Self.start + .seconds(1))
        _ = try a.ingest(Heartbeat(agent: "cron"), at: Self.start + .seconds(2))
        try store.apply(a.drainChanges())
        try store.apply(b.drainChanges())
        #expect(try store.loadAgents().first?.counters.heartbeats == 3)
    }
}
