import Fleet
import Foundation
import JSON
import Model
import Testing
import TestSupport

/// An agent a recovery ladder works on, as the whole exporter shows it: the agents API, `/metrics`, the history,
/// and its alerts held in the Alertmanager API and the webhooks. The ladder's calls are made by hand.
struct RecoveringAgentTests {
    static let rules = """
        groups:
          - name: health
            interval: 15s
            rules:
              - alert: AgentDown
                expr: agent_up == 0 unless agent_killed == 1
                for: 0s
                labels: {severity: page}
                annotations: {summary: "{{ $labels.agent }} is down"}
        """

    /// An exporter evaluating ``rules``, routing every alert to a webhook after a 30s group wait.
    static func fixture() throws -> APIFixture {
        let directory = TestPaths.temporaryDirectory("recovering")
        try rules.write(toFile: directory + "/health.yml", atomically: true, encoding: .utf8)
        return try APIFixture(
            config: """
                rule_files: ['\(directory)/health.yml']
                route:
                  receiver: team
                  group_by: [alertname]
                  group_wait: 30s
                  group_interval: 5m
                  repeat_interval: 1h
                receivers:
                  - name: team
                    webhook_configs: [{url: 'http://127.0.0.1:9/hook'}]
                """)
    }

    /// `w1` beats, falls silent past `unreachable_after`, and the ladder marks it at its `restart` step.
    static func silentThenRecovering(_ api: APIFixture) throws {
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "w1", "agent_type": "worker"}"#).status == 202)
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "w2"}"#)
        api.clock.advance(by: 300)
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "w2"}"#)
        api.exporter.runMaintenance()
        try api.registry.beginRecovery("w1", ladder: "workers", step: "restart", at: api.clock.now())
        api.exporter.runMaintenance()
    }

    func agent(_ api: APIFixture, _ name: String) -> JSONObject? {
        api.send("GET", "/api/v1/agents/\(name)").data.objectValue
    }

    @Test func theAgentsAPIShowsTheStateTheLadderAndTheStep() throws {
        let api = try APIFixture()
        try Self.silentThenRecovering(api)
        let started = api.clock.now()
        api.clock.advance(by: 30)
        let one = try #require(agent(api, "w1"))
        #expect(one["state"]?.stringValue == "recovering")
        let recovery = try #require(one["recovery"]?.objectValue)
        #expect(recovery["ladder"]?.stringValue == "workers")
        #expect(recovery["step"]?.stringValue == "restart")
        #expect(Timestamp(rfc3339: recovery["since"]?.stringValue ?? "") == started)
        #expect(Timestamp(rfc3339: recovery["step_since"]?.stringValue ?? "") == started)
        #expect(agent(api, "w2")?["recovery"] == .null)

        let list = api.send("GET", "/api/v1/agents?state=recovering").data.objectValue
        #expect(list?["agents"]?.arrayValue?.compactMap { $0.objectValue?["agent"]?.stringValue } == ["w1"])
        #expect(list?["summary"]?.objectValue?["recovering"]?.numberValue == 1)
        #expect(list?["summary"]?.objectValue?["unreachable"]?.numberValue == 0)

        let history = api.send("GET", "/api/v1/agents/w1/history").data.arrayValue ?? []
        let last = history.last?.objectValue
        #expect(last?["from"]?.stringValue == "unreachable")
        #expect(last?["to"]?.stringValue == "recovering")
        #expect(last?["reason"]?.stringValue == "recovering: restart")
        #expect(try api.storage.loadAgents().first { $0.name == "w1" }?.recordedState == .recovering)

        let metrics = api.send("GET", "/metrics").text
        #expect(metrics.contains(#"agent_health{agent="w1",agent_type="worker",state="recovering"} 1"#))
        #expect(metrics.contains(#"agent_health{agent="w1",agent_type="worker",state="unreachable"} 0"#))
        #expect(metrics.contains(#"agent_recovering{agent="w1",agent_type="worker"} 1"#))
        #expect(metrics.contains(#"agent_recovering{agent="w2"} 0"#))
        #expect(metrics.contains(#"heartbeat_exporter_agents{state="recovering"} 1"#))
    }

    @Test func killedWinsOverRecoveringAndABeatEndsNothingUntilTheLadderSaysSo() throws {
        let api = try APIFixture()
        try Self.silentThenRecovering(api)
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "w1", "run_id": "second"}"#)
        #expect(agent(api, "w1")?["state"]?.stringValue == "recovering")
        try api.registry.endRecovery("w1", reason: "recovered by restart", at: api.clock.now())
        #expect(agent(api, "w1")?["state"]?.stringValue == "healthy")
        let history = api.send("GET", "/api/v1/agents/w1/history").data.arrayValue ?? []
        #expect(history.last?.objectValue?["reason"]?.stringValue == "recovered by restart")

        try api.registry.beginRecovery("w1", ladder: "workers", step: "restart", at: api.clock.now())
        #expect(api.send("POST", "/api/v1/agents/w1/kill", #"{"by": "alice"}"#).status == 200)
        #expect(agent(api, "w1")?["state"]?.stringValue == "killed")
        let metrics = api.send("GET", "/metrics").text
        #expect(metrics.contains(#"agent_health{agent="w1",agent_type="worker",state="killed"} 1"#))
        #expect(metrics.contains(#"agent_recovering{agent="w1",agent_type="worker"} 0"#))
    }

    @Test func aHeldAlertIsListedAsRecoveryAndReleasedAtOnceWithWhatWasTried() async throws {
        let api = try Self.fixture()
        try Self.silentThenRecovering(api)
        api.alerts.hold(agent: "w1")
        api.exporter.evaluateRules()
        let listed = api.send("GET", "/api/v2/alerts").json.arrayValue ?? []
        #expect(listed.count == 1)
        let status = listed.first?.objectValue?["status"]?.objectValue
        #expect(status?["state"]?.stringValue == "suppressed")
        #expect(status?["silencedBy"]?.arrayValue?.compactMap(\.stringValue) == ["recovery:w1"])
        #expect(api.send("GET", "/api/v2/alerts?silenced=false").json.arrayValue?.isEmpty == true)
        api.clock.advance(by: 60)
        api.exporter.evaluateRules()
        api.exporter.routeAlerts()
        await api.exporter.deliveriesSettled()
        #expect(api.transport.requests.isEmpty, "held past group_wait: nothing sent")

        api.clock.advance(by: 10)
        api.alerts.release(agent: "w1", annotation: "restart: exit 1 after 0.4 s")
        await api.exporter.deliveriesSettled()
        #expect(api.transport.requests.count == 1)
        let payload = try JSONParser.parse(api.transport.requests.first?.body ?? []).objectValue
        let alert = payload?["alerts"]?.arrayValue?.first?.objectValue
        #expect(alert?["labels"]?.objectValue?["agent"]?.stringValue == "w1")
        #expect(alert?["annotations"]?.objectValue?["recovery"]?.stringValue == "restart: exit 1 after 0.4 s")
    }
}
