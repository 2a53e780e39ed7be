import Fleet
import Model
import TestSupport
import Testing

/// Uptime from state transitions: the time healthy or degraded over the time not killed, stopped or in maintenance.
struct UptimeTests {
    let origin = Timestamp(seconds: 1_767_225_600)

    func at(_ minutes: Int) -> Timestamp { origin + .minutes(minutes) }

    func transition(_ from: HealthState?, _ to: HealthState, _ minutes: Int) -> Transition {
        Transition(agent: "a", from: from, to: to, at: at(minutes), reason: "")
    }

    var history: [Transition] {
        [
            transition(nil, .healthy, 0), transition(.healthy, .degraded, 40), transition(.degraded, .unreachable, 60),
            transition(.unreachable, .killed, 90), transition(.killed, .healthy, 120),
        ]
    }

    @Test func killedTimeIsLeftOutAndUnreachableTimeCountsAsDown() {
        // Up 0–60 and 120–180, down 60–90, killed 90–120: 120 of 150 minutes.
        #expect(Uptime.ratio(of: history, from: at(0), to: at(180)) == 0.8)
    }

    @Test func timeBeforeTheFirstTransitionIsNotCounted() {
        #expect(Uptime.ratio(of: history, from: at(-60), to: at(90)) == 2.0 / 3.0)
        #expect(Uptime.ratio(of: history, from: at(-60), to: at(0)) == nil)
    }

    @Test func theStateAtTheStartComesFromTheLastTransitionBeforeIt() {
        #expect(Uptime.ratio(of: history, from: at(70), to: at(80)) == 0)
        #expect(
            Uptime.segments(of: history, from: at(50), to: at(100)) == [
                StateSegment(state: .degraded, start: at(50), end: at(60)),
                StateSegment(state: .unreachable, start: at(60), end: at(90)),
                StateSegment(state: .killed, start: at(90), end: at(100)),
            ])
    }

    @Test func onlyExcludedTimeHasNoUptime() {
        let maintenance = [transition(nil, .healthy, 0), transition(.healthy, .maintenance, 10)]
        #expect(Uptime.ratio(of: maintenance, from: at(10), to: at(70)) == nil)
        #expect(Uptime.ratio(of: maintenance, from: at(0), to: at(70)) == 1)
    }

    @Test func uptimeOverEachSpanFromTheRegistrysTransitions() throws {
        let clock = ManualClock()
        let registry = AgentRegistry()
        let storage = InMemoryStorage()
        let persistence = FleetPersistence(registry: registry, store: storage, clock: clock)
        let activity = FleetActivity(registry: registry, store: storage, transitions: storage, clock: clock)
        _ = try registry.ingest(Heartbeat(agent: "a"), at: clock.now())
        clock.advance(by: .minutes(10))
        registry.sweep(at: clock.now())  // unreachable since 10 minutes (judged now)
        try persistence.commit()
        clock.advance(by: .minutes(10))
        _ = try registry.ingest(Heartbeat(agent: "a"), at: clock.now())  // healthy again, not yet written
        clock.advance(by: .minutes(20))
        let transitions = try activity.transitions(of: "a", since: clock.now() - .hours(30 * 24))
        #expect(transitions.map(\.to) == [.healthy, .unreachable, .healthy])
        let uptimes = FleetActivity.uptimes(transitions, at: clock.now())
        #expect(uptimes.map(\.label) == ["24h", "7d", "30d"])
        #expect(uptimes.map(\.ratio) == [0.75, 0.75, 0.75], "down 10 of 40 minutes")
    }
}
