import Fleet
import Model
import Testing

struct HealthPolicyTests {
    let policy = HealthPolicy(
        defaults: HealthThresholds(degradedAfter: .seconds(90), unreachableAfter: .minutes(5)),
        stoppedRetention: .hours(24),
        byAgentType: ["nightly-report": HealthThresholds(degradedAfter: .hours(25), unreachableAfter: .hours(26))])

    /// Age of the last beat → state, with the default thresholds; boundaries belong to the later state.
    @Test(arguments: [
        (0.0, HealthState.healthy), (89.9, .healthy), (90, .degraded), (299.9, .degraded), (300, .unreachable),
        (86_400, .unreachable),
    ])
    func ageDecidesTheState(age: Double, state: HealthState) {
        let lastBeat = Timestamp(seconds: 1_000)
        #expect(
            policy.ageState(lastBeat: lastBeat, now: lastBeat + .seconds(age), thresholds: policy.defaults)
                == state)
    }

    @Test func intervalScalesThresholdsThreeAndTenTimes() {
        #expect(
            policy.thresholds(agentType: nil, interval: 5)
                == HealthThresholds(degradedAfter: .seconds(15), unreachableAfter: .seconds(50)))
        #expect(
            policy.thresholds(agentType: nil, interval: 3_600)
                == HealthThresholds(degradedAfter: .hours(3), unreachableAfter: .hours(10)))
    }

    @Test func agentTypeOverridesDefaultsAndIntervalOverridesBoth() {
        #expect(policy.thresholds(agentType: "nightly-report", interval: nil).degradedAfter == .hours(25))
        #expect(policy.thresholds(agentType: "worker", interval: nil) == policy.defaults)
        #expect(policy.thresholds(agentType: "nightly-report", interval: 60).degradedAfter == .minutes(3))
    }
}
