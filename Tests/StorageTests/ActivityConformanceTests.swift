import Fleet
import Model
import Storage
import Testing

/// Agents' activity buckets on every backend: they come back after a restart by agent and span, a bucket written in
/// parts reads as one, they go when past the retention and with their agent when it is forgotten.
extension StorageConformanceTests {
    static func bucket(
        _ agent: String, minutes: Int, beats: Int = 10, failed: Int = 1, p95: Double? = 0.25,
        state: HealthState = .healthy
    ) -> ActivityBucket {
        ActivityBucket(
            agent: agent, start: ActivityBucket.start(of: start) + .minutes(minutes), beats: beats,
            tasksSucceeded: 8, tasksFailed: failed, costUSD: 0.125, tokens: 1500, latencyP95Seconds: p95,
            state: state)
    }

    @Test(arguments: Backend.allCases)
    func activityBucketsComeBackAfterARestartByAgentAndSpan(backend: Backend) throws {
        let opened = Opened(backend)
        let buckets = [
            Self.bucket("a", minutes: 0), Self.bucket("a", minutes: 5, p95: nil, state: .degraded),
            Self.bucket("a", minutes: 10), Self.bucket("b", minutes: 5, state: .maintenance),
        ]
        try opened.open().saveActivity(buckets)
        let storage = try opened.open()
        let origin = ActivityBucket.start(of: Self.start)
        #expect(try storage.activity(of: "a", from: origin, to: origin + .minutes(15)) == Array(buckets[0...2]))
        #expect(try storage.activity(of: "a", from: origin + .minutes(5), to: origin + .minutes(10)) == [buckets[1]])
        #expect(try storage.activity(of: "b", from: origin, to: origin + .hours(1)) == [buckets[3]])
        #expect(try storage.activity(of: "c", from: origin, to: origin + .hours(1)).isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func aBucketWrittenInPartsAddsUp(backend: Backend) throws {
        let opened = Opened(backend)
        let storage = try opened.open()
        try storage.saveActivity([Self.bucket("a", minutes: 0, beats: 3, failed: 0, p95: 0.5)])
        try storage.saveActivity([Self.bucket("a", minutes: 0, beats: 4, failed: 2, p95: 0.1, state: .degraded)])
        let origin = ActivityBucket.start(of: Self.start)
        let read = try storage.activity(of: "a", from: origin, to: origin + .minutes(5))
        #expect(
            read == [
                ActivityBucket(
                    agent: "a", start: origin, beats: 7, tasksSucceeded: 16, tasksFailed: 2, costUSD: 0.25,
                    tokens: 3000, latencyP95Seconds: 0.5, state: .degraded)
            ])
    }

    @Test(arguments: Backend.allCases)
    func activityGoesWhenPastTheRetentionAndWithAForgottenAgent(backend: Backend) throws {
        let opened = Opened(backend)
        let storage = try opened.open()
        try storage.saveActivity([
            Self.bucket("a", minutes: 0), Self.bucket("a", minutes: 60), Self.bucket("b", minutes: 0),
        ])
        let origin = ActivityBucket.start(of: Self.start)
        try storage.deleteActivity(before: origin + .minutes(30))
        #expect(try storage.activity(of: "a", from: origin, to: origin + .hours(2)) == [Self.bucket("a", minutes: 60)])
        #expect(try storage.activity(of: "b", from: origin, to: origin + .hours(2)).isEmpty)

        var forget = FleetChanges()
        forget.deletions = ["a"]
        try storage.apply(forget)
        #expect(try storage.activity(of: "a", from: origin, to: origin + .hours(2)).isEmpty)
    }
}
