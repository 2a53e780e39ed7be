import Fleet
import Model
import TestSupport
import Testing

@testable import Storage

/// The change feed a node polls to merge the other nodes' writes (issue 20), on a real PostgreSQL: each write comes
/// once after the watermark before it, deletions come as such, and a node that merely counted beats does not undo the
/// kill another node wrote.
struct SharedFleetFeedTests {
    static let start = Timestamp(milliseconds: 1_764_108_000_123)

    @Test func eachWriteComesOnceAfterTheWatermarkBeforeIt() throws {
        let server = try PostgresServer()
        let a = AgentRegistry()
        let storeA = try PostgresStorage(connectionString: server.connectionString)
        let storeB = try PostgresStorage(connectionString: server.connectionString)
        _ = try a.ingest(Heartbeat(agent: "w-1", runID: "r", seq: 1), at: Self.start)
        _ = try a.ingest(Heartbeat(agent: "w-2", runID: "r", seq: 1), at: Self.start)
        try storeA.apply(a.drainChanges())

        let first = try storeB.fleetChanges(after: 0)
        #expect(first.agents.map(\.name).sorted() == ["w-1", "w-2"])
        #expect(first.agents.map(\.counters.heartbeats) == [1, 1])
        #expect(try storeB.fleetChanges(after: first.watermark).agents.isEmpty)

        _ = try a.ingest(Heartbeat(agent: "w-2", runID: "r", seq: 2), at: Self.start + .seconds(1))
        try storeA.apply(a.drainChanges())
        let second = try storeB.fleetChanges(after: first.watermark)
        #expect(second.agents.map(\.name) == ["w-2"])
        #expect(second.agents.first?.counters.heartbeats == 2)
        #expect(second.watermark > first.watermark)
    }

    @Test func aNodeThatCountedABeatDoesNotUndoAKillWrittenByAnother() throws {
        let server = try PostgresServer()
        let a = AgentRegistry(), b = AgentRegistry()
        let storeA = try PostgresStorage(connectionString: server.connectionString)
        let storeB = try PostgresStorage(connectionString: server.connectionString)
        _ = try a.ingest(Heartbeat(agent: "w", runID: "r", seq: 1), at: Self.start)
        try storeA.apply(a.drainChanges())
        b.merge(try storeB.fleetChanges(after: 0))
        try b.kill("w", action: OperatorAction(reason: "runaway", by: "ops", at: Self.start + .seconds(1)))
        try storeB.apply(b.drainChanges())
        // Node A has not merged the kill yet when it writes its next beat.
        _ = try a.ingest(Heartbeat(agent: "w", runID: "r", seq: 2), at: Self.start + .seconds(2))
        try storeA.apply(a.drainChanges())

        let stored = try #require(try storeA.loadAgents().first)
        #expect(stored.killed?.reason == "runaway")
        #expect(stored.counters.heartbeats == 2)
        a.merge(try storeA.fleetChanges(after: 0))
        #expect(try a.ingest(Heartbeat(agent: "w", runID: "r", seq: 3), at: Self.start + .seconds(3)).killed)
    }

    @Test func aDeletionComesAsSuchAndANewAgentOfTheSameNameAfterItStands() throws {
        let server = try PostgresServer()
        let a = AgentRegistry()
        let store = try PostgresStorage(connectionString: server.connectionString)
        _ = try a.ingest(Heartbeat(agent: "gone"), at: Self.start)
        _ = try a.ingest(Heartbeat(agent: "back"), at: Self.start)
        try store.apply(a.drainChanges())
        let before = try store.fleetChanges(after: 0).watermark
        try a.delete("gone")
        try a.delete("back")
        try store.apply(a.drainChanges())
        _ = try a.ingest(Heartbeat(agent: "back"), at: Self.start + .seconds(1))
        try store.apply(a.drainChanges())

        let read = try store.fleetChanges(after: before)
        #expect(read.deleted == ["gone"])
        #expect(read.agents.map(\.name) == ["back"])
        #expect(read.agents.first?.counters.heartbeats == 1)
    }
}
