import Fleet
import Foundation
import JSON
import Model
import Testing
import TestSupport

/// Maintenance windows through the HTTP API, the heartbeat fields `ephemeral` and `grace_seconds`, and what the
/// exporter shows of them: the agents API, `/metrics`, the Alertmanager API's `silencedBy`, and bad input.
struct MaintenanceAPITests {
    func beat(_ api: APIFixture, _ body: String) -> Int {
        api.send("POST", "/api/v1/heartbeat", body).status
    }

    func state(_ api: APIFixture, _ name: String) -> String? {
        api.send("GET", "/api/v1/agents/\(name)").data["state"]?.stringValue
    }

    @Test func anAgentPutInMaintenanceIsShownSoAndTheWindowIsCommittedBeforeTheReply() throws {
        let api = try APIFixture()
        #expect(beat(api, #"{"agent": "w1"}"#) == 202)
        let reply = api.send(
            "POST", "/api/v1/agents/w1/maintenance", #"{"duration": "2h", "reason": "disk swap", "by": "alice"}"#)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.data["state"]?.stringValue == "maintenance")
        let window = reply.data["maintenance"]
        #expect(window?["until"]?.stringValue == (api.clock.now() + .hours(2)).rfc3339)
        #expect(window?["reason"]?.stringValue == "disk swap")
        #expect(window?["open"]?.boolValue == true)
        let stored = try #require(try api.storage.loadAgents().first { $0.name == "w1" })
        #expect(stored.maintenance?.until == api.clock.now() + .hours(2), "committed before the reply")
        let metrics = api.send("GET", "/metrics").text
        #expect(metrics.contains(#"agent_health{agent="w1",state="maintenance"} 1"#))
        #expect(metrics.contains(#"heartbeat_exporter_agents{state="maintenance"} 1"#))
        #expect(api.send("GET", "/api/v1/agents?state=maintenance").data["summary"]?["maintenance"]?.numberValue == 1)
    }

    @Test func endingAWindowThatIsNotOpenIsAConflictNamingTheAgent() throws {
        let api = try APIFixture()
        #expect(beat(api, #"{"agent": "w1"}"#) == 202)
        let none = api.send("DELETE", "/api/v1/agents/w1/maintenance", "")
        #expect(none.status == 409, "\(none.text)")
        #expect(none.text.contains(#"agent \"w1\" has no maintenance window open"#), "\(none.text)")
        #expect(api.send("POST", "/api/v1/agents/w1/maintenance", #"{"duration": "1h"}"#).status == 200)
        #expect(api.send("DELETE", "/api/v1/agents/w1/maintenance", "").status == 200)
        #expect(state(api, "w1") == "healthy")
        #expect(api.send("DELETE", "/api/v1/agents/w1/maintenance", "").status == 409, "it has ended")
        #expect(api.send("DELETE", "/api/v1/agents/w9/maintenance", "").status == 404)
    }

    @Test func anAgentsAlertsAreSilencedByItsMaintenanceWindow() throws {
        let api = try RecoveringAgentTests.fixture()
        #expect(beat(api, #"{"agent": "w1"}"#) == 202)
        #expect(api.send("POST", "/api/v1/agents/w1/maintenance", #"{"duration": "1h"}"#).status == 200)
        api.clock.advance(by: 600)
        api.exporter.runMaintenance()
        api.exporter.evaluateRules()
        let listed = api.send("GET", "/api/v2/alerts").json.arrayValue ?? []
        #expect(listed.count == 1, "agent_up is 0 in maintenance, so the fixture's AgentDown fires")
        let status = listed.first?.objectValue?["status"]?.objectValue
        #expect(status?["state"]?.stringValue == "suppressed")
        #expect(status?["silencedBy"]?.arrayValue?.compactMap(\.stringValue) == ["maintenance:w1"])
    }

    @Test func maintenanceByMatchersCoversTheMatchingAgentsAndSaysWhich() throws {
        let api = try APIFixture()
        #expect(beat(api, #"{"agent": "pay-1", "labels": {"team": "payments"}}"#) == 202)
        #expect(beat(api, #"{"agent": "search-1", "labels": {"team": "search"}}"#) == 202)
        let reply = api.send("POST", "/api/v1/maintenance", #"{"matchers": "{team=\"payments\"}", "duration": 600}"#)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.data["agents"]?.arrayValue?.compactMap(\.stringValue) == ["pay-1"])
        #expect(state(api, "pay-1") == "maintenance")
        #expect(state(api, "search-1") == "healthy")
    }

    @Test(arguments: [
        (#"{"until": "2020-01-01T00:00:00Z"}"#, 422, #"field "until": the window must end in the future"#),
        (#"{"duration": "8d"}"#, 422, #"field "duration": the window must last at most 1w"#),
        (#"{"duration": "soon"}"#, 422, #"field "duration": not a valid duration string: "soon""#),
        (#"{"until": "tomorrow"}"#, 422, #"field "until": must be an RFC 3339 time"#),
        (#"{"reason": "x"}"#, 422, #"field "until": either "until" or "duration" is required"#),
        (#"{"until": 1, "duration": "1h"}"#, 422, #"field "duration": give either "until" or "duration", not both"#),
        (#"{"duration": "1h""#, 400, ""),
    ])
    func aBadWindowIsRefusedNamingTheField(body: String, status: Int, message: String) throws {
        let api = try APIFixture()
        #expect(beat(api, #"{"agent": "w1"}"#) == 202)
        let reply = api.send("POST", "/api/v1/agents/w1/maintenance", body)
        #expect(reply.status == status)
        if !message.isEmpty { #expect(reply.json["error"]?.stringValue == message) }
        #expect(state(api, "w1") == "healthy")
    }

    @Test func matchersMustBeGivenAndSelective() throws {
        let api = try APIFixture()
        let missing = api.send("POST", "/api/v1/maintenance", #"{"duration": "1h"}"#)
        #expect(missing.status == 422)
        #expect(missing.json["error"]?.stringValue?.hasPrefix(#"field "matchers": is required"#) == true)
        let everything = api.send("POST", "/api/v1/maintenance", #"{"matchers": "team=~\".*\"", "duration": "1h"}"#)
        #expect(everything.status == 422)
        #expect(
            everything.json["error"]?.stringValue
                == #"field "matchers": at least one matcher must not match the empty string"#)
        #expect(api.send("POST", "/api/v1/agents/nobody/maintenance", #"{"duration": "1h"}"#).status == 404)
    }

    @Test func aBeatsGraceIsShownInTheThresholdsUntilTheNextBeat() throws {
        let api = try APIFixture()
        #expect(beat(api, #"{"agent": "w1", "grace_seconds": 7200}"#) == 202)
        let stretched = api.send("GET", "/api/v1/agents/w1").data["thresholds"]
        #expect(stretched?["grace_seconds"]?.numberValue == 7200, "\(String(describing: stretched))")
        #expect(stretched?["source"]?.stringValue == "health")
        let plain = try #require(stretched?["degraded_after_seconds"]?.numberValue).rounded() - 7200
        #expect(beat(api, #"{"agent": "w1"}"#) == 202)
        let after = api.send("GET", "/api/v1/agents/w1").data["thresholds"]
        #expect(after?["grace_seconds"] == nil, "the next beat ends the grace")
        #expect(after?["degraded_after_seconds"]?.numberValue == plain)
    }

    @Test func aMaintenanceWriteIsAnAdminWrite() throws {
        let api = try APIFixture()
        #expect(beat(api, #"{"agent": "w1"}"#) == 202)
        let remote = api.send("POST", "/api/v1/agents/w1/maintenance", #"{"duration": "1h"}"#, loopback: false)
        #expect(remote.status == 403)
    }

    @Test(arguments: [
        (#"{"agent": "a", "ephemeral": "yes"}"#, #"field "ephemeral": must be true or false"#),
        (#"{"agent": "a", "grace_seconds": 90000}"#, #"field "grace_seconds": must be between 0 and 86400"#),
    ])
    func aBadLifecycleFieldInABeatIsA422NamingIt(body: String, message: String) throws {
        let api = try APIFixture()
        let reply = api.send("POST", "/api/v1/heartbeat", body)
        #expect(reply.status == 422)
        #expect(reply.json["error"]?.stringValue == message)
    }

    @Test func streaksAndTheEphemeralMarkAreExposed() throws {
        let api = try APIFixture()
        let failure = #"{"success": false, "latency_ms": 2500}"#
        #expect(beat(api, #"{"agent": "w1", "ephemeral": true, "tasks": [\#(failure), \#(failure)]}"#) == 202)
        let metrics = api.send("GET", "/metrics").text
        #expect(metrics.contains(#"agent_consecutive_failures{agent="w1"} 2"#))
        #expect(metrics.contains(#"agent_last_task_duration_seconds{agent="w1"} 2.5"#))
        #expect(metrics.contains(#"agent_ephemeral{agent="w1"} 1"#))
        #expect(metrics.contains("agent_last_failure_timestamp_seconds{agent=\"w1\"} "))
        #expect(!metrics.contains("agent_last_success_timestamp_seconds{agent=\"w1\"}"))
        let agent = api.send("GET", "/api/v1/agents/w1").data
        #expect(agent["metrics"]?["consecutive_failures"]?.numberValue == 2)
        #expect(agent["ephemeral"]?.boolValue == true)
    }
}

extension JSONValue {
    fileprivate subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}
