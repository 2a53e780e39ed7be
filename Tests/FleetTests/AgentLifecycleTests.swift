import Fleet
import Model
import TestSupport
import Testing

/// Forgetting, ephemeral agents, task streaks, maintenance windows and a beat's grace, under a manual clock.
struct AgentLifecycleTests {
    let clock = ManualClock()

    func registry(forgetAfter: PrometheusDuration? = nil, byType: [String: PrometheusDuration] = [:]) -> AgentRegistry {
        var policy = HealthPolicy.standard
        policy.forgetAfter = forgetAfter
        policy.forgetAfterByType = byType
        return AgentRegistry(configuration: .init(policy: policy))
    }

    func beat(_ registry: AgentRegistry, _ beat: Heartbeat) throws {
        _ = try registry.ingest(beat, at: clock.now())
    }

    func state(_ registry: AgentRegistry, _ agent: String = "a") -> HealthState? {
        registry.agent(named: agent)?.state(at: clock.now(), policy: registry.currentConfiguration.policy)
    }

    // MARK: forget

    @Test func anAgentUnreachableForForgetAfterIsForgottenCountedAndDeletedFromStorage() throws {
        let registry = registry(forgetAfter: .hours(1))
        try beat(registry, Heartbeat(agent: "a"))
        _ = registry.drainChanges()
        clock.advance(by: 300)
        registry.sweep(at: clock.now())
        #expect(state(registry) == .unreachable)
        clock.advance(by: 3_599)
        registry.sweep(at: clock.now())
        #expect(registry.agent(named: "a") != nil, "one second short of forget_after it is kept")
        clock.advance(by: 1)
        registry.sweep(at: clock.now())
        #expect(registry.agent(named: "a") == nil)
        #expect(registry.count == 0)
        #expect(registry.forgottenByReason == [.unreachable: 1])
        #expect(registry.drainForgotten() == [ForgottenAgent(name: "a", reason: .unreachable, at: clock.now())])
        #expect(registry.drainChanges().deletions == ["a"])
    }

    @Test func withoutForgetAfterAnUnreachableAgentIsKept() throws {
        let registry = registry()
        try beat(registry, Heartbeat(agent: "a"))
        clock.advance(by: 30 * 86_400)
        registry.sweep(at: clock.now())
        #expect(state(registry) == .unreachable)
    }

    @Test func forgetAfterOfTheAgentsTypeWinsOverTheGlobalOne() throws {
        let registry = registry(forgetAfter: .hours(24), byType: ["batch": .minutes(10)])
        try beat(registry, Heartbeat(agent: "job", agentType: "batch"))
        try beat(registry, Heartbeat(agent: "web", agentType: "server"))
        clock.advance(by: 300)
        registry.sweep(at: clock.now())
        clock.advance(by: 600)
        registry.sweep(at: clock.now())
        #expect(registry.agent(named: "job") == nil)
        #expect(state(registry, "web") == .unreachable)
    }

    @Test func aStoppedAgentIsForgottenAfterStoppedRetentionAndCounted() throws {
        let registry = registry()
        try beat(registry, Heartbeat(agent: "a"))
        try registry.stop("a", action: OperatorAction(at: clock.now()))
        clock.advance(by: 86_400)
        registry.sweep(at: clock.now())
        #expect(registry.agent(named: "a") == nil)
        #expect(registry.forgottenByReason == [.stopped: 1])
    }

    // MARK: ephemeral

    @Test func anEphemeralAgentIsForgottenAsSoonAsItStops() throws {
        let registry = registry()
        var first = Heartbeat(agent: "worker-1")
        first.ephemeral = true
        try beat(registry, first)
        try registry.stop("worker-1", action: OperatorAction(at: clock.now()))
        #expect(registry.agent(named: "worker-1") == nil)
        #expect(registry.drainForgotten().map(\.reason) == [.stopped])
        #expect(registry.drainChanges().deletions == ["worker-1"])
    }

    @Test func anEphemeralAgentIsNeverDegradedAndIsForgottenAfterForgetAfterUnreachable() throws {
        let registry = registry(forgetAfter: .minutes(10))
        var first = Heartbeat(agent: "a")
        first.ephemeral = true
        try beat(registry, first)
        clock.advance(by: 299)
        #expect(registry.sweep(at: clock.now()).isEmpty, "past degraded_after it is still healthy")
        #expect(state(registry) == .healthy)
        clock.advance(by: 1)
        #expect(registry.sweep(at: clock.now()).map(\.to) == [.unreachable])
        clock.advance(by: 600)
        registry.sweep(at: clock.now())
        #expect(registry.agent(named: "a") == nil)
    }

    @Test func anEphemeralAgentWithoutForgetAfterIsForgottenWhenItTurnsUnreachable() throws {
        let registry = registry()
        var first = Heartbeat(agent: "a")
        first.ephemeral = true
        try beat(registry, first)
        clock.advance(by: 300)
        #expect(registry.sweep(at: clock.now()).isEmpty)
        #expect(registry.agent(named: "a") == nil)
        #expect(registry.drainChanges().transitions.allSatisfy { $0.agent != "a" || $0.to == .healthy })
    }

    @Test func aBeatWithoutTheFieldKeepsTheMarkAndFalseClearsIt() throws {
        let registry = registry()
        var marked = Heartbeat(agent: "a")
        marked.ephemeral = true
        try beat(registry, marked)
        try beat(registry, Heartbeat(agent: "a"))
        #expect(registry.agent(named: "a")?.ephemeral == true)
        marked.ephemeral = false
        try beat(registry, marked)
        #expect(registry.agent(named: "a")?.ephemeral == false)
    }

    // MARK: streaks

    @Test func failuresInARowAreCountedAndASuccessResetsThem() throws {
        let registry = registry()
        let failure = TaskReport(success: false, latencyMilliseconds: 1_500)
        try beat(registry, Heartbeat(agent: "a", tasks: [failure, failure]))
        let firstFailures = clock.now()
        clock.advance(by: 30)
        try beat(registry, Heartbeat(agent: "a", tasks: [failure, failure, failure]))
        var streak = try #require(registry.agent(named: "a")?.streak)
        #expect(streak.consecutiveFailures == 5)
        #expect(streak.lastFailureAt == clock.now())
        #expect(streak.lastSuccessAt == nil)
        #expect(streak.lastTaskDurationSeconds == 1.5)
        #expect(firstFailures < clock.now())
        clock.advance(by: 30)
        try beat(
            registry, Heartbeat(agent: "a", tasks: [failure, TaskReport(success: true, latencyMilliseconds: 250)]))
        streak = try #require(registry.agent(named: "a")?.streak)
        #expect(streak.consecutiveFailures == 0, "the success came after the failure in the same beat")
        #expect(streak.lastSuccessAt == clock.now())
        #expect(streak.lastTaskDurationSeconds == 0.25)
        clock.advance(by: 30)
        try beat(registry, Heartbeat(agent: "a"))
        #expect(registry.agent(named: "a")?.streak.consecutiveFailures == 0, "a beat without tasks changes nothing")
    }

    // MARK: maintenance

    @Test func anAgentInMaintenanceIsNeverDegradedOrUnreachableAndItsEndReArmsTheThresholds() throws {
        let registry = registry()
        try beat(registry, Heartbeat(agent: "a"))
        clock.advance(by: 10)
        let window = MaintenanceWindow(startsAt: clock.now(), until: clock.now() + .hours(2), reason: "disk swap")
        try registry.startMaintenance("a", window: window)
        #expect(state(registry) == .maintenance)
        clock.advance(by: 7_199)
        #expect(registry.sweep(at: clock.now()).isEmpty)
        #expect(state(registry) == .maintenance)
        clock.advance(by: 1)
        let ended = registry.sweep(at: clock.now())
        #expect(ended.map(\.to) == [.healthy], "the thresholds count from the end of the window")
        #expect(ended.first?.reason.hasPrefix("maintenance ended at") == true)
        clock.advance(by: 89)
        #expect(registry.sweep(at: clock.now()).isEmpty)
        clock.advance(by: 1)
        #expect(registry.sweep(at: clock.now()).map(\.to) == [.degraded])
        clock.advance(by: 210)
        #expect(registry.sweep(at: clock.now()).map(\.to) == [.unreachable])
    }

    @Test func aBeatDuringMaintenanceKeepsTheWindowOpen() throws {
        let registry = registry()
        try beat(registry, Heartbeat(agent: "a"))
        try registry.startMaintenance(
            "a", window: MaintenanceWindow(startsAt: clock.now(), until: clock.now() + .hours(1)))
        clock.advance(by: 600)
        try beat(registry, Heartbeat(agent: "a"))
        #expect(state(registry) == .maintenance)
    }

    @Test func endingMaintenanceEarlyCountsTheThresholdsFromTheEnd() throws {
        let registry = registry()
        try beat(registry, Heartbeat(agent: "a"))
        try registry.startMaintenance(
            "a", window: MaintenanceWindow(startsAt: clock.now(), until: clock.now() + .hours(1)))
        clock.advance(by: 1_000)
        try registry.endMaintenance("a", action: OperatorAction(by: "alice", at: clock.now()))
        #expect(state(registry) == .healthy)
        clock.advance(by: 90)
        #expect(registry.sweep(at: clock.now()).map(\.to) == [.degraded])
    }

    @Test func maintenanceByMatchersCoversTheMatchingAgentsOnly() throws {
        let registry = registry()
        try beat(registry, Heartbeat(agent: "pay-1", labels: [("team", "payments")]))
        try beat(registry, Heartbeat(agent: "pay-2", labels: [("team", "payments")]))
        try beat(registry, Heartbeat(agent: "search-1", labels: [("team", "search")]))
        let window = MaintenanceWindow(startsAt: clock.now(), until: clock.now() + .minutes(30))
        let covered = registry.startMaintenance(
            matching: [try LabelMatcher(.equal, "team", "payments")], window: window)
        #expect(covered.map(\.name) == ["pay-1", "pay-2"])
        clock.advance(by: 600)
        registry.sweep(at: clock.now())
        #expect(state(registry, "pay-1") == .maintenance)
        #expect(state(registry, "search-1") == .unreachable)
    }

    @Test(arguments: [
        (-1, MaintenanceError.endsInPast(field: "until")), (0, .endsInPast(field: "until")),
        (7 * 86_400 + 1, .tooLong(field: "until")),
    ])
    func aWindowThatEndsNowOrInThePastOrLastsTooLongIsRefused(seconds: Int, expected: MaintenanceError) {
        let now = clock.now()
        #expect(throws: expected) {
            _ = try MaintenanceWindow.checked(
                from: now, until: now + .seconds(seconds), reason: nil, by: nil, field: "until")
        }
    }

    @Test func theRefusalNamesTheFieldAndTheLimit() {
        #expect(
            "\(MaintenanceError.endsInPast(field: "until"))" == "field \"until\": the window must end in the future")
        #expect(
            "\(MaintenanceError.tooLong(field: "duration"))" == "field \"duration\": the window must last at most 1w")
    }

    @Test func anExpectedAgentNeverSeenIsStoredOncePutInMaintenance() throws {
        let registry = registry()
        registry.placeExpectedAgents([ExpectedAgent(name: "ghost")], at: clock.now())
        #expect(registry.drainChanges().upserts.map(\.name) == ["ghost"], "stored missing, with when it was listed")
        try registry.startMaintenance(
            "ghost", window: MaintenanceWindow(startsAt: clock.now(), until: clock.now() + .hours(1)))
        #expect(state(registry, "ghost") == .maintenance)
        #expect(registry.drainChanges().upserts.map(\.name) == ["ghost"], "so the window outlives a restart")
    }

    // MARK: grace in a beat

    @Test func aBeatsGraceStretchesTheThresholdsUntilTheNextBeat() throws {
        let registry = registry()
        var long = Heartbeat(agent: "a")
        long.graceSeconds = 7_200
        try beat(registry, long)
        clock.advance(by: 7_200 + 89)
        #expect(registry.sweep(at: clock.now()).isEmpty)
        clock.advance(by: 1)
        #expect(registry.sweep(at: clock.now()).map(\.to) == [.degraded])
        try beat(registry, Heartbeat(agent: "a"))
        clock.advance(by: 90)
        #expect(registry.sweep(at: clock.now()).map(\.to) == [.degraded], "the next beat without grace ends it")
    }
}
