import Fleet
import Model
import TestSupport
import Testing

/// The precedence of the README's table, as the sweep applies it to a nightly job under a manual clock.
struct OperatorThresholdsTests {
    let clock = ManualClock()

    func registry(_ policy: HealthPolicy = .standard) -> AgentRegistry {
        AgentRegistry(configuration: AgentRegistry.Configuration(policy: policy))
    }

    func beatNightly(_ registry: AgentRegistry, agentType: String? = nil) throws {
        _ = try registry.ingest(
            Heartbeat(agent: "nightly-report", agentType: agentType, intervalSeconds: 86_400), at: clock.now())
    }

    func sweptStates(_ registry: AgentRegistry, _ steps: [(seconds: Double, state: HealthState)]) -> [HealthState] {
        var states: [HealthState] = []
        for step in steps {
            clock.advance(by: step.seconds)
            registry.sweep(at: clock.now())
            states.append(registry.agent(named: "nightly-report")?.recordedState ?? .stopped)
        }
        return states
    }

    /// `--interval 86400`: degraded after a day and its grace (10 %: 2.4 h), unreachable once the next run is
    /// missed too (two days and the grace), never after 3 or 10 days.
    @Test func aNightlyJobIsLateAfterItsIntervalAndGraceAndUnreachableAfterTheNextRun() throws {
        let registry = registry()
        try beatNightly(registry)
        let steps: [(seconds: Double, state: HealthState)] = [
            (95_039, .healthy), (1, .degraded), (86_399, .degraded), (1, .unreachable),
        ]
        #expect(sweptStates(registry, steps) == steps.map(\.state))
        let reasons = registry.agent(named: "nightly-report")?.history.map(\.reason)
        #expect(reasons == ["first heartbeat", "no heartbeat for 1d2h24m", "no heartbeat for 2d2h24m"])
    }

    /// `health.by_agent_type` wins over the interval the beat carries.
    @Test func theAgentTypesThresholdsWinOverTheBeatsInterval() throws {
        var policy = HealthPolicy.standard
        policy.byAgentType["nightly"] = HealthThresholds(degradedAfter: .hours(25), unreachableAfter: .hours(26))
        let registry = registry(policy)
        try beatNightly(registry, agentType: "nightly")
        let steps: [(seconds: Double, state: HealthState)] = [
            (90_000 - 1, .healthy), (1, .degraded), (3_600, .unreachable),
        ]
        #expect(sweptStates(registry, steps) == steps.map(\.state))
    }

    /// `health.by_agent` wins over the type and the interval.
    @Test func theAgentsOwnThresholdsWinOverItsType() throws {
        var policy = HealthPolicy.standard
        policy.byAgentType["nightly"] = HealthThresholds(degradedAfter: .hours(25), unreachableAfter: .hours(26))
        policy.byAgent["nightly-report"] = HealthThresholds(degradedAfter: .hours(30), unreachableAfter: .hours(40))
        let registry = registry(policy)
        try beatNightly(registry, agentType: "nightly")
        let steps: [(seconds: Double, state: HealthState)] = [
            (108_000 - 1, .healthy), (1, .degraded), (36_000, .unreachable),
        ]
        #expect(sweptStates(registry, steps) == steps.map(\.state))
        #expect(registry.agent(named: "nightly-report")?.judgement(policy).source == .byAgent)
    }

    /// `health.batch_grace` replaces the 10 % grace.
    @Test func theConfiguredBatchGraceApplies() throws {
        var policy = HealthPolicy.standard
        policy.batchGrace = .minutes(30)
        let registry = registry(policy)
        try beatNightly(registry)
        let steps: [(seconds: Double, state: HealthState)] = [(88_200 - 1, .healthy), (1, .degraded)]
        #expect(sweptStates(registry, steps) == steps.map(\.state))
    }
}
