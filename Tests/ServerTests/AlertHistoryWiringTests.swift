import Foundation
import JSON
import Model
import Testing
import TestSupport

/// The alert history on the whole exporter with a manual clock: the rule engine's evaluations open and advance an
/// episode, the router's muting (a kill, a silence) is counted, and the maintenance thread writes it.
struct AlertHistoryWiringTests {
    static func fixture() throws -> APIFixture {
        let directory = TestPaths.temporaryDirectory("history-wiring")
        try """
        groups:
          - name: seen
            interval: 1s
            rules:
              - alert: AgentSeen
                expr: agent_heartbeats_total > 0
                annotations: {summary: "{{ $labels.agent }} beat"}
        """.write(toFile: directory + "/seen.yml", atomically: true, encoding: .utf8)
        return try APIFixture(config: "rule_files: ['\(directory)/seen.yml']\nglobal: {evaluation_interval: 1s}\n")
    }

    /// Lets `seconds` pass a second at a time, as the rule and notification threads would.
    static func pass(_ seconds: Int, _ api: APIFixture) {
        for _ in 0..<seconds {
            api.clock.advance(by: 1)
            api.exporter.evaluateRules()
            api.exporter.routeAlerts()
        }
    }

    @Test func anEpisodeCountsTheTimeItsAgentWasKilledAndItWasSilenced() throws {
        let api = try Self.fixture()
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "w1"}"#).status == 202)
        api.exporter.evaluateRules()
        api.exporter.routeAlerts()
        Self.pass(10, api)
        #expect(api.send("POST", "/api/v1/agents/w1/kill", #"{"by": "alice"}"#).status == 200)
        Self.pass(20, api)
        #expect(api.send("POST", "/api/v1/agents/w1/resume").status == 200)
        Self.pass(10, api)
        let now = api.clock.now()
        let silence = """
            {"matchers": [{"name": "agent", "value": "w1", "isRegex": false, "isEqual": true}],
             "startsAt": "\(now.rfc3339)", "endsAt": "\((now + .hours(1)).rfc3339)", "createdBy": "bob", "comment": "x"}
            """
        #expect(api.send("POST", "/api/v2/silences", silence).status == 200)
        Self.pass(5, api)
        api.exporter.runMaintenance()

        let episodes = api.send("GET", "/api/v1/alerts/history?match[]=agent=w1").data.objectValue?["episodes"]
        let episode = try #require(episodes?.arrayValue?.first?.objectValue)
        #expect(episode["labels"]?.objectValue?["alertname"]?.stringValue == "AgentSeen")
        let times = episode["secondsIn"]?.objectValue
        #expect(times?["firing"]?.numberValue == 45)
        #expect(abs((times?["killed"]?.numberValue ?? 0) - 20) <= 1, "\(times?["killed"] ?? .null)")
        #expect(abs((times?["silenced"]?.numberValue ?? 0) - 5) <= 1, "\(times?["silenced"] ?? .null)")
        #expect(times?["inhibited"]?.numberValue == 0 && times?["acknowledged"]?.numberValue == 0)
    }

    @Test func maintenanceAndADependencyDownAreCountedApartFromSilences() throws {
        let api = try Self.fixture()
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "planner"}"#).status == 202)
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "w1", "depends_on": ["planner"]}"#).status == 202)
        api.exporter.evaluateRules()
        api.exporter.routeAlerts()
        Self.pass(10, api)
        let window = api.send("POST", "/api/v1/agents/w1/maintenance", #"{"duration": "20s", "by": "alice"}"#)
        #expect(window.status == 200, "\(window.text)")
        Self.pass(30, api)
        #expect(api.send("POST", "/api/v1/agents/planner/kill", #"{"by": "alice"}"#).status == 200)
        Self.pass(15, api)
        #expect(api.send("POST", "/api/v1/agents/planner/resume").status == 200)
        Self.pass(5, api)
        api.exporter.runMaintenance()

        let episodes = api.send("GET", "/api/v1/alerts/history?match[]=agent=w1").data.objectValue?["episodes"]
        let episode = try #require(episodes?.arrayValue?.first?.objectValue)
        let times = episode["secondsIn"]?.objectValue
        #expect(times?["firing"]?.numberValue == 60)
        #expect(abs((times?["maintenance"]?.numberValue ?? 0) - 20) <= 1, "\(times?["maintenance"] ?? .null)")
        #expect(abs((times?["dependency"]?.numberValue ?? 0) - 15) <= 1, "\(times?["dependency"] ?? .null)")
        #expect(times?["silenced"]?.numberValue == 0, "no silence matched it: \(times?["silenced"] ?? .null)")
        #expect(times?["killed"]?.numberValue == 0, "its own agent was never killed")
    }
}
