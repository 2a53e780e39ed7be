import Fleet
import Model
import TestSupport
import Testing

/// An agent's cost per hour, from beats on a manual clock.
struct CostWindowTests {
    let clock = ManualClock()
    let registry = AgentRegistry()

    func beat(costUSD: Double) throws {
        _ = try registry.ingest(Heartbeat(agent: "a", metrics: HeartbeatMetrics(costUSD: costUSD)), at: clock.now())
    }

    func rate() -> Double? {
        guard let agent = registry.agent(named: "a") else { return nil }
        return agent.costWindow.usdPerHour(costUSD: agent.counters.costUSD, at: clock.now())
    }

    @Test func noRateBeforeTheAgentHasBeatenForAMinute() throws {
        try beat(costUSD: 5)
        clock.advance(by: 30)
        try beat(costUSD: 1)
        #expect(rate() == nil)
        clock.advance(by: 30)
        #expect(rate() == 60, "1 USD in one minute, the first beat's 5 USD being of an unknown span")
    }

    @Test func theRateCoversTheLastFiveToTenMinutes() throws {
        try beat(costUSD: 0)
        // 1 USD a minute for 10 minutes, then 0.1 USD a minute.
        for _ in 1...10 {
            clock.advance(by: 60)
            try beat(costUSD: 1)
        }
        #expect(rate() == 60)
        for _ in 1...10 {
            clock.advance(by: 60)
            try beat(costUSD: 0.1)
        }
        let slower = try #require(rate())
        #expect(abs(slower - 6) < 1e-9, "the last 5 to 10 minutes spent 0.1 USD a minute: \(slower)")
    }

    @Test func anAgentThatFellSilentDecays() throws {
        try beat(costUSD: 0)
        clock.advance(by: 300)
        try beat(costUSD: 5)
        #expect(rate() == 60)
        clock.advance(by: 300)
        #expect(rate() == 30, "nothing spent in the last 5 minutes halves the rate over 10")
    }
}
