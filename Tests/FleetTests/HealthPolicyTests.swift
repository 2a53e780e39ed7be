import Fleet
import Testing

struct HealthPolicyTests {
    let policy = HealthPolicy(
        defaults: HealthThresholds(degradedAfter: 90, unreachableAfter: 300), stoppedRetention: 86_400,
        byAgentType: ["nightly-report": HealthThresholds(degradedAfter: 90_000, unreachableAfter: 93_600)])

    /// Age of the last beat → state, with the default thresholds; boundaries belong to the later state.
    @Test(arguments: [
        (0.0, HealthState.healthy), (89.9, .healthy), (90, .degraded), (299.9, .degraded), (300, .unreachable),
        (86_400, .unreachable),
    ])
    func ageDecidesTheState(age: Double, state: HealthState) {
        #expect(policy.ageState(lastBeat: 1_000, now: 1_000 + age, thresholds: policy.defaults) == state)
    }

    @Test func intervalScalesThresholdsThreeAndTenTimes() {
        #expect(policy.thresholds(agentType: nil, interval: 5) == HealthThresholds(degradedAfter: 15, unreachableAfter: 50))
        #expect(policy.thresholds(agentType: nil, interval: 3_600)
            == HealthThresholds(degradedAfter: 10_800, unreachableAfter: 36_000))
    }

    @Test func agentTypeOverridesDefaultsAndIntervalOverridesBoth() {
        #expect(policy.thresholds(agentType: "nightly-report", interval: nil).degradedAfter == 90_000)
        #expect(policy.thresholds(agentType: "worker", interval: nil) == policy.defaults)
        #expect(policy.thresholds(agentType: "nightly-report", interval: 60).degradedAfter == 180)
    }
}
