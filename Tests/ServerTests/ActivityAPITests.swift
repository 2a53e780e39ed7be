import JSON
import Model
import Testing
import TestSupport

/// `GET /api/v1/agents/{agent}/activity` and `GET /api/v1/activity` on the whole exporter with a manual clock: the
/// maintenance thread writes the buckets, the uptime comes from the transitions, bad parameters are 400s naming them.
struct ActivityAPITests {
    static let config = "health:\n  by_agent_type:\n    flappy: {degraded_after: 1m, unreachable_after: 2m}\n"

    @Test func anAgentsBucketsSegmentsAndUptimeComeFromItsBeatsAndTransitions() throws {
        let api = try APIFixture(config: Self.config)
        let beat = #"""
            {"agent": "f1", "agent_type": "flappy",
             "tasks": [{"success": true, "latency_ms": 200, "cost_usd": 0.5}, {"success": false}]}
            """#
        #expect(api.send("POST", "/api/v1/heartbeat", beat).status == 202)
        api.clock.advance(by: .minutes(3))
        api.exporter.runMaintenance()  // unreachable since 3 minutes; the first bucket closes at 5 minutes
        api.clock.advance(by: .minutes(3))
        #expect(api.send("POST", "/api/v1/heartbeat", beat).status == 202)
        api.clock.advance(by: .seconds(30))
        api.exporter.runMaintenance()

        let data = try #require(api.send("GET", "/api/v1/agents/f1/activity?range=1h").data.objectValue)
        let buckets = try #require(data["buckets"]?.arrayValue)
        #expect(buckets.count == 2)
        let first = try #require(buckets.first?.objectValue)
        #expect(first["beats"]?.numberValue == 1 && first["tasks_failed"]?.numberValue == 1)
        #expect(first["cost_usd"]?.numberValue == 0.5 && first["state"]?.stringValue == "unreachable")
        let states = data["segments"]?.arrayValue?.compactMap { $0.objectValue?["state"]?.stringValue }
        #expect(states == ["healthy", "unreachable", "healthy"])
        // Up 3 minutes, down 3, up 30 s: 210 of 390 seconds.
        let uptime = try #require(data["uptime"]?.objectValue?["24h"]?.numberValue)
        #expect(abs(uptime - 210.0 / 390.0) < 1e-9)
        #expect(data["uptime_ratio"]?.numberValue == uptime)

        let fleet = api.send("GET", "/api/v1/activity?range=1h&agent=f1").data.objectValue
        let compact = try #require(fleet?["agents"]?.objectValue?["f1"]?.objectValue)
        #expect(compact["tasks_failed"]?.arrayValue?.compactMap(\.numberValue).reduce(0, +) == 2)
        #expect(compact["tasks_failed"]?.arrayValue?.count == 13, "one entry per 5 minutes of the hour, both ends")
    }

    /// An operator's trial: uptime read only the newest stored transitions, so an agent with more of them in 30 days
    /// got a wrong 30-day uptime. Here 5,200 transitions over 20 days: up 3 of 11 minutes for 10 days, then 8 of 11.
    @Test func theUptimeOver30DaysCountsEveryTransitionWhateverTheirNumber() throws {
        let api = try APIFixture(config: Self.config)
        let beat = #"{"agent": "f1", "agent_type": "flappy"}"#
        for cycle in 0..<2_600 {
            let up = PrometheusDuration.minutes(cycle < 1_300 ? 3 : 8)
            #expect(api.send("POST", "/api/v1/heartbeat", beat).status == 202)
            api.clock.advance(by: up)
            api.exporter.runMaintenance()  // unreachable from now
            api.clock.advance(by: .minutes(11) - up)
        }
        let data = try #require(api.send("GET", "/api/v1/agents/f1/activity?range=24h").data.objectValue)
        let uptime = try #require(data["uptime"]?.objectValue?["30d"]?.numberValue)
        #expect(abs(uptime - 0.5) < 1e-9, "(1,300 × 3 + 1,300 × 8) of 2,600 × 11 minutes")
        #expect(data["uptime"]?.objectValue?["24h"]?.numberValue.map { abs($0 - 8.0 / 11.0) < 0.01 } == true)
    }

    @Test(arguments: [
        ("/api/v1/agents/f1/activity?range=1m", 400, #"invalid parameter "range": must be between 5m and 30d, got 1m"#),
        (
            "/api/v1/agents/f1/activity?range=soon", 400,
            #"invalid parameter "range": cannot parse "soon" to a valid duration"#
        ),
        ("/api/v1/agents/nobody/activity", 404, #"unknown agent "nobody""#),
    ])
    func badParametersAndUnknownAgentsAreRefusedNamingThem(path: String, status: Int, message: String) throws {
        let api = try APIFixture(config: Self.config)
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "f1"}"#).status == 202)
        let reply = api.send("GET", path)
        #expect(reply.status == status)
        #expect(reply.json.objectValue?["error"]?.stringValue == message)
    }
}
