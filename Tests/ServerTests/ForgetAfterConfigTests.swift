import Fleet
import Model
import Server
import Testing

/// `health.forget_after`, globally and per `agent_type`.
struct ForgetAfterConfigTests {
    @Test func readsForgetAfterGloballyAndPerTypeWithoutChangingThatTypesThresholds() throws {
        let config = try ExporterConfig.parse(
            """
            health:
              forget_after: 7d
              by_agent_type:
                batch: {forget_after: 10m}
                nightly: {degraded_after: 25h, unreachable_after: 26h, forget_after: 3d}
            """, file: "hx.yml")
        #expect(config.health.forgetAfter == .hours(7 * 24))
        #expect(config.health.forgetAfterByType == ["batch": .minutes(10), "nightly": .hours(72)])
        #expect(config.health.byAgentType["batch"] == nil, "a type given only forget_after keeps its thresholds")
        #expect(
            config.health.byAgentType["nightly"]
                == HealthThresholds(degradedAfter: .hours(25), unreachableAfter: .hours(26)))
        #expect(config.health.forgetAfter(agentType: "batch", ephemeral: false) == .minutes(10))
        #expect(config.health.forgetAfter(agentType: "web", ephemeral: false) == .hours(7 * 24))
    }

    @Test func forgetAfterMustBeAboveZero() {
        #expect(throws: (any Error).self) {
            _ = try ExporterConfig.parse("health:\n  forget_after: 0s\n", file: "hx.yml")
        }
        do {
            _ = try ExporterConfig.parse("health:\n  forget_after: 0s\n", file: "hx.yml")
        } catch {
            #expect("\(error)" == "hx.yml:2:17: health.forget_after: must be above 0s")
        }
    }
}
