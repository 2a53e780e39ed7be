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

    @Test func anIntervalUnderAnHourScalesThresholdsThreeAndTenTimes() {
        #expect(
            policy.thresholds(agentType: nil, interval: 5)
                == HealthThresholds(degradedAfter: .seconds(15), unreachableAfter: .seconds(50)))
        #expect(
            policy.thresholds(agentType: nil, interval: 3_599)
                == HealthThresholds(degradedAfter: .seconds(10_797), unreachableAfter: .seconds(35_990)))
    }

    /// From an hour up, healthchecks.io's judgement: interval + grace, then 2 × interval + grace; the grace is 10 %
    /// of the interval, at least 5 minutes.
    @Test(arguments: [
        (3_600.0, PrometheusDuration.minutes(66), PrometheusDuration.minutes(126)),
        (86_400, .seconds(95_040), .seconds(181_440)),
        (7 * 86_400, .seconds(665_280), .seconds(1_270_080)),
    ])
    func anIntervalOfAnHourOrMoreIsJudgedAsABatchJob(
        interval: Double, degraded: PrometheusDuration, unreachable: PrometheusDuration
    ) {
        let judgement = policy.judgement(agent: "nightly-report", agentType: nil, interval: interval)
        #expect(judgement.thresholds == HealthThresholds(degradedAfter: degraded, unreachableAfter: unreachable))
        #expect(judgement.source == .batchInterval)
    }

    @Test func theGraceIsAtLeastFiveMinutesUnlessConfigured() {
        #expect(policy.batchGrace(forInterval: .hours(1)) == .minutes(6))
        #expect(policy.batchGrace(forInterval: .minutes(40)) == .minutes(5))
        var configured = policy
        configured.batchGrace = .minutes(30)
        #expect(
            configured.thresholds(agentType: nil, interval: 86_400)
                == HealthThresholds(
                    degradedAfter: .hours(24) + .minutes(30), unreachableAfter: .hours(48) + .minutes(30)))
    }

    /// The operator's configuration wins over what the agent reports: by name, then by type, then the interval.
    @Test func operatorThresholdsWinOverTheInterval() {
        var configured = policy
        configured.byAgent["billing-export"] = HealthThresholds(degradedAfter: .hours(2), unreachableAfter: .hours(6))
        #expect(
            configured.judgement(agent: "billing-export", agentType: "nightly-report", interval: 60)
                == HealthJudgement(HealthThresholds(degradedAfter: .hours(2), unreachableAfter: .hours(6)), .byAgent))
        #expect(
            configured.judgement(agent: "other", agentType: "nightly-report", interval: 86_400)
                == HealthJudgement(
                    HealthThresholds(degradedAfter: .hours(25), unreachableAfter: .hours(26)), .byAgentType))
        #expect(configured.judgement(agent: "other", agentType: "worker", interval: 60).source == .interval)
        #expect(
            configured.judgement(agent: "other", agentType: "worker", interval: nil)
                == HealthJudgement(policy.defaults, .defaults))
    }
}
