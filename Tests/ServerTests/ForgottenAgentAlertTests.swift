import Foundation
import JSON
import Testing
import TestSupport

/// An agent the exporter forgets (`health.forget_after`, or an operator's `DELETE`) takes its firing alerts with it:
/// the receivers that were told they fire are told they resolved, as for any alert that ends.
struct ForgottenAgentAlertTests {
    /// An exporter evaluating the shipped `rules/health.yml` (`AgentUnreachable` with its `keep_firing_for`), every
    /// alert to a webhook, grouped by alert and agent.
    static func fixture() throws -> APIFixture {
        let rules = TestPaths.packageRoot.appendingPathComponent("rules/health.yml").path
        return try APIFixture(
            config: """
                rule_files: ['\(rules)']
                health: {forget_after: 10m}
                route:
                  receiver: team
                  group_by: [alertname, agent]
                  group_wait: 10s
                  group_interval: 1m
                  repeat_interval: 4h
                receivers:
                  - name: team
                    webhook_configs: [{url: 'http://127.0.0.1:9/hook'}]
                """)
    }

    /// The `AgentUnreachable` webhook payloads sent so far: status and the `agent` of each alert.
    static func payloads(_ api: APIFixture) -> [(status: String, agents: [String])] {
        api.transport.requests.compactMap { request in
            guard let payload = try? JSONParser.parse(request.body).objectValue,
                payload["groupLabels"]?.objectValue?["alertname"]?.stringValue == "AgentUnreachable"
            else { return nil }
            let alerts = payload["alerts"]?.arrayValue ?? []
            return (
                payload["status"]?.stringValue ?? "",
                alerts.compactMap { $0.objectValue?["labels"]?.objectValue?["agent"]?.stringValue }
            )
        }
    }

    /// Lets `seconds` pass as the exporter's threads would, five seconds at a time.
    static func pass(_ seconds: Int, _ api: APIFixture) async {
        for _ in 0..<(seconds / 5) {
            api.clock.advance(by: 5)
            api.exporter.runMaintenance()
            api.exporter.evaluateRules()
            api.exporter.routeAlerts()
            await api.exporter.deliveriesSettled()
        }
        api.exporter.routeAlerts()
    }

    /// `w1` and `w2` beat once and fall silent until their `AgentUnreachable` has been notified firing.
    static func firing() async throws -> APIFixture {
        let api = try fixture()
        for agent in ["w1", "w2"] {
            #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "\#(agent)"}"#).status == 202)
        }
        await pass(330, api)
        #expect(payloads(api).map(\.status) == ["firing", "firing"], "\(payloads(api))")
        return api
    }

    @Test func anAgentForgottenAfterForgetAfterHasItsAlertNotifiedResolved() async throws {
        let api = try await Self.firing()
        await Self.pass(1200, api)
        #expect(api.send("GET", "/api/v1/agents/w1").status == 404, "forgotten")
        let resolved = Self.payloads(api).filter { $0.status == "resolved" }
        #expect(resolved.map(\.agents).sorted { $0.description < $1.description } == [["w1"], ["w2"]], "\(resolved)")
    }

    @Test func anAgentDeletedByAnOperatorHasItsAlertNotifiedResolved() async throws {
        let api = try await Self.firing()
        #expect(api.send("DELETE", "/api/v1/agents/w1").status == 200)
        await Self.pass(600, api)
        // w2, silent as long, is forgotten meanwhile (forget_after) and resolves too.
        let resolved = Self.payloads(api).filter { $0.status == "resolved" }
        #expect(resolved.filter { $0.agents == ["w1"] }.count == 1, "\(Self.payloads(api))")
    }

    /// The shipped `AgentUnreachable` keeps firing 5 minutes after its condition ends (`keep_firing_for`); an agent
    /// that is gone takes its alert with it at once: the resolution goes out at the group's next flush, and no firing
    /// repeat in between.
    @Test func aDeletedAgentsAlertResolvesAtOnceNotWhenKeepFiringForRunsOut() async throws {
        let api = try await Self.firing()
        #expect(api.send("DELETE", "/api/v1/agents/w1").status == 200)
        await Self.pass(90, api)
        #expect(Self.payloads(api).map(\.status) == ["firing", "firing", "resolved"], "\(Self.payloads(api))")
        #expect(Self.payloads(api).last?.agents == ["w1"])
        let held = api.send("GET", "/api/v1/alerts").json.objectValue?["data"]?.objectValue?["alerts"]?.arrayValue ?? []
        let w1 = held.filter { $0.objectValue?["labels"]?.objectValue?["agent"]?.stringValue == "w1" }
        #expect(w1.isEmpty, "the rule still holds w1's alert: \(w1)")
    }

    @Test func aForgottenAgentsAlertResolvesAtOnceNotWhenKeepFiringForRunsOut() async throws {
        let api = try await Self.firing()
        var waited = 0
        while api.send("GET", "/api/v1/agents/w1").status != 404, waited < 1200 {
            await Self.pass(5, api)
            waited += 5
        }
        #expect(waited < 1200, "w1 was never forgotten")
        let before = Self.payloads(api).count
        await Self.pass(90, api)
        let after = Self.payloads(api).dropFirst(before)
        // Both fell silent together and are forgotten together: each group resolves, nothing fires again.
        #expect(after.map(\.status) == ["resolved", "resolved"], "\(after)")
        #expect(after.flatMap(\.agents).sorted() == ["w1", "w2"], "\(after)")
    }

    /// `w1` depends on `planner`; `w1` falls silent (its `AgentUnreachable` is notified firing) while `planner` beats,
    /// then `planner` is killed: `w1`'s alert is muted by its dependency.
    static func firingThenMutedByADependency() async throws -> APIFixture {
        let api = try fixture()
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "w1", "depends_on": ["planner"]}"#).status == 202)
        for _ in 0..<11 {
            #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "planner"}"#).status == 202)
            await pass(30, api)
        }
        #expect(payloads(api).map(\.status) == ["firing"], "\(payloads(api))")
        #expect(api.send("POST", "/api/v1/agents/planner/kill", #"{"by": "alice"}"#).status == 200)
        await pass(30, api)
        let status = api.send("GET", "/api/v2/alerts").json.arrayValue?.compactMap { alert -> [String]? in
            guard alert.objectValue?["labels"]?.objectValue?["agent"]?.stringValue == "w1" else { return nil }
            return alert.objectValue?["status"]?.objectValue?["silencedBy"]?.arrayValue?.compactMap(\.stringValue)
        }
        #expect(status?.contains(["dependency:planner"]) == true, "\(status ?? [])")
        return api
    }

    @Test func anAgentDeletedWhileItsDependencyIsDownHasItsAlertNotifiedResolved() async throws {
        let api = try await Self.firingThenMutedByADependency()
        #expect(api.send("DELETE", "/api/v1/agents/w1").status == 200)
        await Self.pass(600, api)
        let sent = Self.payloads(api)
        #expect(sent.map(\.status) == ["firing", "resolved"], "\(sent)")
        #expect(sent.last?.agents == ["w1"])
    }

    @Test func anAgentForgottenWhileItsDependencyIsDownHasItsAlertNotifiedResolved() async throws {
        let api = try await Self.firingThenMutedByADependency()
        await Self.pass(900, api)
        #expect(api.send("GET", "/api/v1/agents/w1").status == 404, "forgotten")
        let sent = Self.payloads(api)
        #expect(sent.map(\.status) == ["firing", "resolved"], "\(sent)")
    }
}
