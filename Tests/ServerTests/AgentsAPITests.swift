import Fleet
import HTTP
import JSON
@testable import Server
import Testing

struct AgentsAPITests {
    @Test func batchRepliesOneResultPerItemInOrder() throws {
        let api = try APIFixture()
        let reply = api.send(
            "POST", "/api/v1/heartbeats",
            #"""
            [{"agent": "a", "run_id": "r", "seq": 1}, {"agent": "b c"}, {"agent": "a", "run_id": "r", "seq": 1}, 7]
            """#)
        #expect(reply.status == 202)
        let data = reply.data.objectValue
        #expect(data?["accepted"]?.numberValue == 2)
        #expect(data?["rejected"]?.numberValue == 2)
        let results = data?["results"]?.arrayValue ?? []
        #expect(results.count == 4)
        #expect(results[0].objectValue?["state"]?.stringValue == "healthy")
        #expect(results[1].objectValue?["code"]?.numberValue == 422)
        #expect(results[1].objectValue?["error"]?.stringValue?.hasPrefix(#"field "[1].agent""#) == true)
        #expect(results[2].objectValue?["duplicate"] == .bool(true))
        #expect(results[3].objectValue?["error"]?.stringValue == #"field "[3]": must be a JSON object"#)
    }

    @Test func anAgentShowsItsCostPerHourAndItsLastTaskError() throws {
        let api = try APIFixture()
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "a", "metrics": {"cost_usd": 2}}"#)
        let fresh = api.send("GET", "/api/v1/agents/a").data.objectValue?["metrics"]?.objectValue
        #expect(fresh?["cost_usd_total"]?.numberValue == 2)
        #expect(fresh?["cost_usd_per_hour"] == nil, "not known before a minute of beats")

        api.clock.advance(by: 120)
        let failed = #"{"agent": "a", "tasks": [{"success": false, "cost_usd": 0.5, "error": "TimeoutError: 30 s"}]}"#
        _ = api.send("POST", "/api/v1/heartbeat", failed)
        let agent = api.send("GET", "/api/v1/agents/a").data.objectValue
        #expect(agent?["metrics"]?.objectValue?["cost_usd_total"]?.numberValue == 2.5)
        #expect(agent?["metrics"]?.objectValue?["cost_usd_per_hour"]?.numberValue == 15)
        #expect(agent?["last_task_error"]?.objectValue?["message"]?.stringValue == "TimeoutError: 30 s")
        let listed = api.send("GET", "/api/v1/agents").data.objectValue?["agents"]?.arrayValue?.first?.objectValue
        #expect(listed?["metrics"]?.objectValue?["cost_usd_per_hour"]?.numberValue == 15)
    }

    /// A missing agent (expected, never seen) has reported nothing: no cost, not a cost of 0, in the agent's reply
    /// and in the list (what `agents --json` prints); its first beat brings its metrics.
    @Test func aMissingAgentHasNoMetrics() throws {
        let api = try APIFixture(config: "fleet: {expected: {agents: [{name: ghost, agent_type: indexer}]}}\n")
        let missing = api.send("GET", "/api/v1/agents/ghost").data.objectValue
        #expect(missing?["state"]?.stringValue == "missing")
        #expect(missing?["metrics"] == .object(JSONObject()))
        let listed = api.send("GET", "/api/v1/agents").data.objectValue?["agents"]?.arrayValue?.first?.objectValue
        #expect(listed?["metrics"] == .object(JSONObject()))
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "ghost", "metrics": {"cost_usd": 0.25}}"#)
        let seen = api.send("GET", "/api/v1/agents/ghost").data.objectValue?["metrics"]?.objectValue
        #expect(seen?["cost_usd_total"]?.numberValue == 0.25)
    }

    @Test func aBatchOverOneThousandIsRefusedWhole() throws {
        let api = try APIFixture()
        let items = Array(repeating: #"{"agent": "a"}"#, count: 1_001).joined(separator: ",")
        let reply = api.send("POST", "/api/v1/heartbeats", "[\(items)]")
        #expect(reply.status == 422)
        #expect(api.registry.count == 0)
    }

    @Test func listFiltersByStateAndSummarisesTheWholeFleet() throws {
        let api = try APIFixture()
        for name in ["a", "b", "c"] { _ = api.send("POST", "/api/v1/heartbeat", "{\"agent\": \"\(name)\"}") }
        api.clock.advance(by: 100)
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "a"}"#)
        _ = api.send("POST", "/api/v1/agents/c/kill")
        let reply = api.send("GET", "/api/v1/agents?state=degraded")
        #expect(reply.status == 200)
        let agents = reply.data.objectValue?["agents"]?.arrayValue ?? []
        #expect(agents.compactMap { $0.objectValue?["agent"]?.stringValue } == ["b"])
        let summary = reply.data.objectValue?["summary"]?.objectValue
        #expect(summary?["healthy"]?.numberValue == 1)
        #expect(summary?["degraded"]?.numberValue == 1)
        #expect(summary?["killed"]?.numberValue == 1)
        #expect(summary?["unreachable"]?.numberValue == 0)
        #expect(summary?["total"]?.numberValue == 3)
    }

    @Test func killIsCommittedBeforeTheReplyAndShowsInHistory() throws {
        let api = try APIFixture()
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "x"}"#)
        let kill = api.send("POST", "/api/v1/agents/x/kill", #"{"reason": "loops", "by": "alice"}"#)
        #expect(kill.status == 200)
        #expect(kill.data.objectValue?["state"]?.stringValue == "killed")
        let stored = try api.storage.loadAgents()
        #expect(stored.first?.killed?.reason == "loops")
        let history = api.send("GET", "/api/v1/agents/x/history").data.arrayValue ?? []
        #expect(history.last?.objectValue?["to"]?.stringValue == "killed")
        #expect(history.last?.objectValue?["from"]?.stringValue == "healthy")
        #expect(history.last?.objectValue?["reason"]?.stringValue == "killed by alice: loops")
        #expect(history.first?.objectValue?["from"] == .null)
    }

    @Test func deleteForgetsTheAgentInMemoryAndInStorage() throws {
        let api = try APIFixture()
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "x"}"#)
        #expect(api.send("DELETE", "/api/v1/agents/x").status == 200)
        #expect(api.send("GET", "/api/v1/agents/x").status == 404)
        #expect(try api.storage.loadAgents().isEmpty)
        #expect(!api.send("GET", "/metrics").text.contains(#"agent="x""#))
    }

    @Test func actionBodiesAreChecked() throws {
        let api = try APIFixture()
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "x"}"#)
        #expect(api.send("POST", "/api/v1/agents/x/kill", "{").status == 400)
        #expect(api.send("POST", "/api/v1/agents/x/kill", "[]").status == 422)
        #expect(api.send("POST", "/api/v1/agents/x/kill", #"{"reason": 5}"#).status == 422)
        #expect(api.registry.agent(named: "x")?.killed == nil)
    }

    @Test func stopDeregistersAndABeatRevives() throws {
        let api = try APIFixture()
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "x"}"#)
        #expect(api.send("POST", "/api/v1/agents/x/stop").data.objectValue?["state"]?.stringValue == "stopped")
        let metrics = api.send("GET", "/metrics").text
        #expect(metrics.contains(#"agent_health{agent="x",state="stopped"} 1"#))
        #expect(metrics.contains(#"agent_up{agent="x"} 0"#))
        #expect(
            api.send("POST", "/api/v1/heartbeat", #"{"agent": "x"}"#).data.objectValue?["state"]?.stringValue
                == "healthy")
    }
}

struct AccessControlTests {
    @Test func adminWritesComeFromLoopbackOnlyWithoutAToken() throws {
        let api = try APIFixture()
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "x"}"#, loopback: false)
        let remote = api.send("POST", "/api/v1/agents/x/kill", loopback: false)
        #expect(remote.status == 403)
        #expect(remote.json.objectValue?["errorType"]?.stringValue == "forbidden")
        #expect(api.send("DELETE", "/api/v1/agents/x", loopback: false).status == 403)
        #expect(api.send("POST", "/-/reload", loopback: false).status == 403)
        #expect(api.send("POST", "/api/v1/agents/x/kill", loopback: true).status == 200)
    }

    @Test func aPageFromAnotherOriginCannotKillThroughALoopbackBrowser() throws {
        let api = try APIFixture()
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "x"}"#)
        let forged = api.send(
            "POST", "/api/v1/agents/x/kill",
            headers: [("Origin", "http://evil.example"), ("Host", "127.0.0.1:9747")])
        #expect(forged.status == 403)
        #expect(forged.json.objectValue?["error"]?.stringValue?.contains("Origin http://evil.example") == true)
        let silence = api.send(
            "POST", "/api/v2/silences", AlertmanagerAPITests.silence,
            headers: [("Origin", "null"), ("Host", "127.0.0.1:9747")])
        #expect(silence.status == 403)
        let ownPage = api.send(
            "POST", "/api/v1/agents/x/kill",
            headers: [("Origin", "http://127.0.0.1:9747"), ("Host", "127.0.0.1:9747")])
        #expect(ownPage.status == 200)
    }

    @Test func withAnAdminTokenAnyAddressNeedsIt() throws {
        let api = try APIFixture(adminToken: "t0ken")
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "x"}"#)
        let missing = api.send("POST", "/api/v1/agents/x/kill")
        #expect(missing.status == 401)
        #expect(missing.headers.contains { $0.0 == "WWW-Authenticate" && $0.1 == "Bearer" })
        #expect(api.send("POST", "/api/v1/agents/x/kill", headers: [("Authorization", "Bearer t0ke")]).status == 401)
        #expect(api.send("POST", "/api/v1/agents/x/kill", headers: [("Authorization", "Basic t0ken")]).status == 401)
        #expect(
            api.send("POST", "/api/v1/agents/x/kill", headers: [("Authorization", "Bearer t0ken")], loopback: false)
                .status == 200)
    }

    @Test func theIngestTokenGuardsHeartbeatsAndStopsButNotReads() throws {
        let api = try APIFixture(adminToken: "admin", ingestToken: "ingest")
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "x"}"#).status == 401)
        #expect(api.send("POST", "/api/v1/heartbeats", #"[{"agent": "x"}]"#).status == 401)
        #expect(
            api.send("POST", "/api/v1/heartbeat", #"{"agent": "x"}"#, headers: [("Authorization", "Bearer ingest")])
                .status == 202)
        #expect(
            api.send("POST", "/api/v1/heartbeat", #"{"agent": "x"}"#, headers: [("Authorization", "Bearer admin")])
                .status == 202)
        #expect(api.send("POST", "/api/v1/agents/x/stop").status == 401)
        #expect(api.send("GET", "/api/v1/agents").status == 200)
        #expect(api.send("GET", "/metrics").status == 200)
    }
}
