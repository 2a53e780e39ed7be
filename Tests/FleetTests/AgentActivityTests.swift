import Fleet
import Model
import TestSupport
import Testing

/// Activity buckets filled on the heartbeat path, closed and written by the maintenance thread's flush, under a
/// manual clock (which starts on a bucket boundary).
struct AgentActivityTests {
    let clock = ManualClock()
    let registry = AgentRegistry()
    let storage = InMemoryStorage()

    var activity: FleetActivity {
        FleetActivity(registry: registry, store: storage, transitions: storage, clock: clock)
    }

    func beat(_ agent: String = "a", tasks: [TaskReport] = [], cost: Double = 0) throws {
        _ = try registry.ingest(
            Heartbeat(agent: agent, tasks: tasks, metrics: HeartbeatMetrics(costUSD: cost)), at: clock.now())
    }

    func stored(_ agent: String = "a") throws -> [ActivityBucket] {
        try storage.activity(of: agent, from: .epoch, to: clock.now() + .hours(1))
    }

    var origin: Timestamp { ActivityBucket.start(of: clock.now()) }

    @Test func beatsInABucketAddUpAndAreWrittenOnceTheBucketEnds() throws {
        let activity = activity
        let start = origin
        try beat(tasks: [TaskReport(success: true, latencyMilliseconds: 200, costUSD: 0.5, tokens: 100)])
        clock.advance(by: 20)
        try beat(tasks: [TaskReport(success: false, latencyMilliseconds: 400, tokens: 50)], cost: 0.25)
        clock.advance(by: 20)
        try beat()
        activity.flush()
        #expect(try stored().isEmpty, "the bucket is still open and its first minute not over: nothing is written")
        clock.set(start + .minutes(5))
        activity.flush()
        let buckets = try stored()
        #expect(buckets.count == 1)
        let bucket = try #require(buckets.first)
        #expect(bucket.start == start && bucket.beats == 3)
        #expect(bucket.tasksSucceeded == 1 && bucket.tasksFailed == 1)
        #expect(bucket.costUSD == 0.75 && bucket.tokens == 150)
        #expect(bucket.state == .degraded, "no beat for the last 260 s of the bucket")
    }

    @Test func theStateAtTheEndOfABucketIsJudgedAtItsEnd() throws {
        let activity = activity
        let start = origin
        try beat()
        clock.advance(by: 250)
        try beat()
        clock.set(start + .minutes(5))
        activity.flush()
        #expect(try stored().map(\.state) == [.healthy], "last beat 50 s before the end")

        clock.advance(by: 10)
        try beat()  // opens the next bucket; silent from here on
        clock.set(start + .minutes(15) + .seconds(1))
        activity.flush()
        let buckets = try stored()
        #expect(buckets.map(\.start) == [start, start + .minutes(5)], "a silent bucket is not written")
        #expect(buckets.last?.state == .degraded, "no beat for the last 290 s of the second bucket")
    }

    @Test func aBeatInALaterBucketClosesTheOpenOneWithTheStateItHad() throws {
        let activity = activity
        let start = origin
        try beat()
        clock.advance(by: 120)
        registry.sweep(at: clock.now())  // degraded (no beat for 120 s)
        clock.set(start + .minutes(6))
        try beat()  // unreachable was not yet noticed: the sweep said degraded
        activity.flush()
        let buckets = try stored()
        #expect(buckets.map(\.start) == [start, start + .minutes(5)], "the one closed, and the new one's first part")
        #expect(buckets.first?.state == .degraded)
    }

    @Test func readsIncludeTheOpenBucketAndThoseWaitingForStorage() throws {
        let activity = activity
        let start = origin
        try beat(tasks: [TaskReport(success: true)])
        clock.set(start + .minutes(5))
        storage.failWrites = true
        #expect(!activity.flush().isEmpty, "the refused write is reported")
        try beat(tasks: [TaskReport(success: false)])
        let read = try activity.buckets(of: "a", from: start, to: clock.now() + .minutes(5))
        #expect(read.map(\.start) == [start, start + .minutes(5)])
        #expect(read.map(\.tasksFailed) == [0, 1])
        storage.failWrites = false
        activity.flush()
        #expect(try stored().map(\.start) == [start], "written at the next flush")
    }

    @Test func atShutdownTheOpenBucketIsWrittenAndItsRestAddsUpAfterARestart() throws {
        let start = origin
        try beat(tasks: [TaskReport(success: true)])
        try FleetPersistence(registry: registry, store: storage, clock: clock).commit()
        activity.flush(includeOpen: true)
        #expect(try stored().map(\.beats) == [1])
        let restarted = AgentRegistry()
        restarted.restore(try storage.loadAgents())
        let later = FleetActivity(registry: restarted, store: storage, transitions: storage, clock: clock)
        clock.advance(by: 30)
        _ = try restarted.ingest(Heartbeat(agent: "a", tasks: [TaskReport(success: true)]), at: clock.now())
        #expect(try later.buckets(of: "a", from: start, to: clock.now()).map(\.tasksSucceeded) == [2])
        clock.set(start + .minutes(5))
        later.flush()
        #expect(try stored().map(\.beats) == [2])
    }

    /// An operator's trial: after a `kill -9` the 5 minutes under way were missing from the charts. The open bucket
    /// is written in part every minute; what follows adds up with it, and its end still says the state then.
    @Test func theOpenBucketIsWrittenInPartEveryMinuteSoACrashLosesAMinuteAtMost() throws {
        let activity = activity
        let start = origin
        try beat(tasks: [TaskReport(success: true, costUSD: 0.5)])
        clock.advance(by: 30)
        try beat(tasks: [TaskReport(success: false)])
        clock.advance(by: 31)
        activity.flush()
        #expect(try stored().map(\.beats) == [2], "the first minute, written")
        #expect(try stored().first?.costUSD == 0.5)
        activity.flush()
        #expect(try stored().map(\.beats) == [2], "written once, not again at each flush")

        // A crash now: a restarted exporter reads what was written.
        let restarted = AgentRegistry()
        restarted.restore(try storage.loadAgents())
        let afterCrash = FleetActivity(registry: restarted, store: storage, transitions: storage, clock: clock)
        #expect(try afterCrash.buckets(of: "a", from: start, to: clock.now()).map(\.tasksFailed) == [1])

        // No crash: the rest of the bucket adds up with the part, and its end is judged at its end.
        try beat(tasks: [TaskReport(success: true)])
        #expect(try activity.buckets(of: "a", from: start, to: clock.now()).map(\.tasksSucceeded) == [2])
        clock.set(start + .minutes(5))
        activity.flush()
        let bucket = try #require(try stored().first)
        #expect(bucket.beats == 3 && bucket.tasksSucceeded == 2 && bucket.tasksFailed == 1 && bucket.costUSD == 0.5)
        #expect(bucket.state == .degraded, "no beat for the last 239 s of the bucket")
    }

    @Test func bucketsPastTheRetentionAreDeleted() throws {
        let activity = activity
        activity.retention = .hours(1)
        try beat()
        clock.advance(by: .minutes(5))
        activity.flush()
        #expect(try stored().count == 1)
        clock.advance(by: .minutes(56))
        try beat()
        clock.advance(by: .minutes(10))
        activity.flush()
        #expect(try stored().count == 1, "the first bucket is past the hour; the second is kept")
    }

    @Test func theP95EstimateIsWithinOneBinOfTheTrueValue() {
        var sketch = LatencySketch()
        for milliseconds in 1...100 { sketch.observe(Double(milliseconds) / 1000) }
        let p95 = sketch.quantile(0.95) ?? 0
        #expect(p95 > 0.095 / 1.5 && p95 < 0.095 * 1.5)
        #expect(LatencySketch().quantile(0.95) == nil)
    }

    @Test func theFleetPerBucketCountsAgentsPerStateAtEachBoundaryAndAddsUpTheCost() throws {
        let activity = activity
        let start = origin
        activity.flush()  // the first flush counts nothing: its bucket before began before the start
        try beat("a", tasks: [TaskReport(success: true, costUSD: 0.25)])
        try beat("b", tasks: [TaskReport(success: true, costUSD: 0.5)])
        clock.advance(by: 200)
        try beat("a")
        clock.set(start + .minutes(5))
        activity.flush()
        let point = try #require(activity.fleetPoints.first { $0.start == start })
        #expect(point.states == [.degraded: 1, .unreachable: 1], "a silent for 100 s, b for 300 s")
        #expect(point.costUSD == 0.75)
        clock.advance(by: .hours(25))
        activity.flush()
        #expect(activity.fleetPoints.allSatisfy { $0.start >= clock.now() - .hours(24) }, "a day is kept")
    }

    /// An operator's trial: the fleet's cost chart showed a fraction of the cost. The parts of a bucket written every
    /// minute count in its point once the bucket ends, not only what came after the last part.
    @Test func theFleetsCostCountsTheWholeBucketWrittenInParts() throws {
        let activity = activity
        let start = origin
        activity.flush()
        for minute in 0..<5 {
            clock.set(start + .minutes(minute) + .seconds(10))
            try beat("a", tasks: [TaskReport(success: true, costUSD: 1)])
            clock.set(start + .minutes(minute + 1) - .seconds(1))
            activity.flush()  // a part of the open bucket is written about every minute
        }
        #expect(activity.fleetPoints.isEmpty, "the bucket under way is no point yet")
        clock.set(start + .minutes(5))
        activity.flush()
        #expect(activity.fleetPoints.first { $0.start == start }?.costUSD == 5)
        #expect(try storage.fleetActivity(from: start, to: start + .minutes(5)).map(\.costUSD) == [5])
        #expect(try stored().map(\.costUSD).reduce(0, +) == 5, "the agent's buckets, written in parts, add up alike")
    }

    /// Two exporters sharing one store (a cluster): each adds the cost its own agents reported to the fleet's points,
    /// and a node whose store is shared charts what all wrote plus what it has not written yet.
    @Test func nodesSharingAStoreAddUpTheFleetsCost() throws {
        let start = origin
        let otherRegistry = AgentRegistry()
        let node = FleetActivity(
            registry: registry, store: storage, transitions: storage, clock: clock, storeIsShared: true)
        let other = FleetActivity(
            registry: otherRegistry, store: storage, transitions: storage, clock: clock, storeIsShared: true)
        node.flush()
        other.flush()
        try beat("a", tasks: [TaskReport(success: true, costUSD: 0.25)])
        _ = try otherRegistry.ingest(
            Heartbeat(agent: "b", tasks: [TaskReport(success: true, costUSD: 0.5)]), at: clock.now())
        clock.set(start + .minutes(5))
        other.flush()
        #expect(node.fleetPoints.first { $0.start == start }?.costUSD == 0.5, "only the other node's part is written")
        node.flush()
        #expect(try storage.fleetActivity(from: start, to: start + .minutes(5)).map(\.costUSD) == [0.75])
        #expect(node.fleetPoints.first { $0.start == start }?.costUSD == 0.75)
        #expect(other.fleetPoints.first { $0.start == start }?.costUSD == 0.75)

        // A write that fails is added to the next one, once.
        try beat("a", tasks: [TaskReport(success: true, costUSD: 1)])
        clock.set(start + .minutes(10))
        storage.failWrites = true
        node.flush()
        #expect(node.fleetPoints.first { $0.start == start + .minutes(5) }?.costUSD == 1, "unwritten, still charted")
        storage.failWrites = false
        node.flush()
        #expect(try storage.fleetActivity(from: start + .minutes(5), to: start + .minutes(10)).map(\.costUSD) == [1])
    }

    /// An operator's trial: the fleet chart had a point for the bucket before the exporter started.
    @Test func theFirstFlushInventsNoPointBeforeTheStart() throws {
        clock.advance(by: .minutes(2))
        let activity = activity
        try beat("a")
        activity.flush()
        #expect(activity.fleetPoints.isEmpty)
        let start = origin
        clock.set(start + .minutes(5))
        try beat("a")
        activity.flush()
        #expect(activity.fleetPoints.map(\.start) == [start], "the bucket under way at the start, counted at its end")
        #expect(activity.fleetPoints.first?.states == [.healthy: 1])
    }

    /// An operator's trial: the fleet charts were lost at a restart. They are written with the buckets and read back.
    @Test func theFleetsPointsComeBackAfterARestart() throws {
        let before = activity
        let start = origin
        before.flush()
        try beat("a", tasks: [TaskReport(success: true, costUSD: 0.25)])
        clock.set(start + .minutes(5))
        before.flush()
        try beat("a", tasks: [TaskReport(success: true, costUSD: 0.5)])
        before.flush(includeOpen: true)  // shutdown: the open bucket is written in part
        let written = before.fleetPoints
        #expect(written.map(\.start) == [start, start + .minutes(5)])

        let after = activity
        try after.restoreFleetPoints()
        #expect(after.fleetPoints == written)
        after.flush()  // the first flush after the start
        try beat("a", tasks: [TaskReport(success: true, costUSD: 1)])
        clock.set(start + .minutes(10))
        try beat("a")
        after.flush()
        let point = try #require(after.fleetPoints.first { $0.start == start + .minutes(5) })
        #expect(point.costUSD == 1.5, "the part written before the restart and the rest")
        #expect(point.states == [.healthy: 1])
        let third = activity
        try third.restoreFleetPoints()
        #expect(third.fleetPoints == after.fleetPoints, "what the last flush wrote")

        clock.advance(by: FleetActivity.defaultRetention + .hours(1))
        after.flush()
        #expect(try storage.fleetActivity(from: .epoch, to: clock.now()).allSatisfy { $0.start >= start + .hours(1) })
    }
}
