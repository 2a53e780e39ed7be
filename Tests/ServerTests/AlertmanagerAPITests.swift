import Alerting
import JSON
import Model
import PromQL
import Rules
@testable import Server
import Testing

/// Alertmanager's API v2 as the exporter serves it: bodies without the Prometheus envelope, Alertmanager's
/// errors, admin rules on silence writes.
struct AlertmanagerAPITests {
    static let silence = """
        {"matchers":[{"name":"agent","value":"order-.*","isRegex":true,"isEqual":true}],
         "startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-01T02:00:00Z","createdBy":"alice","comment":"deploy"}
        """

    @Test func aSilenceIsCreatedListedFetchedAndExpired() throws {
        let api = try APIFixture()
        let posted = api.send("POST", "/api/v2/silences", Self.silence)
        #expect(posted.status == 200)
        let id = try #require(posted.json.objectValue?["silenceID"]?.stringValue)

        let listed = api.send("GET", "/api/v2/silences").json.arrayValue ?? []
        #expect(listed.compactMap { $0.objectValue?["id"]?.stringValue } == [id])
        #expect(listed.first?.objectValue?["status"]?.objectValue?["state"]?.stringValue == "active")
        let fetched = api.send("GET", "/api/v2/silence/\(id)")
        #expect(fetched.json.objectValue?["comment"]?.stringValue == "deploy")

        #expect(api.send("DELETE", "/api/v2/silence/\(id)").status == 200)
        api.clock.advance(by: 1)
        let expired = api.send("GET", "/api/v2/silence/\(id)").json.objectValue?["status"]?.objectValue
        #expect(expired?["state"]?.stringValue == "expired")
    }

    @Test func unknownSilencesAnswer404WithAnEmptyBody() throws {
        let api = try APIFixture()
        for method in ["GET", "DELETE"] {
            let reply = api.send(method, "/api/v2/silence/5e1e0000-0000-0000-0000-000000000000")
            #expect(reply.status == 404)
            #expect(reply.body.isEmpty)
        }
    }

    @Test func refusalsAreJSONStringsAsAlertmanagerWritesThem() throws {
        let api = try APIFixture()
        let bad = api.send("POST", "/api/v2/silences", #"{"matchers":[],"startsAt":"2026-01-01T00:00:00Z"}"#)
        #expect(bad.status == 400)
        #expect(bad.json.stringValue == "matchers in body should have at least 1 items")
        let remote = api.send("POST", "/api/v2/silences", Self.silence, loopback: false)
        #expect(remote.status == 403)
        #expect(remote.json.stringValue?.contains("loopback only") == true)
        #expect(api.send("GET", "/api/v2/silences").json.arrayValue?.isEmpty == true, "nothing was stored")
        let badFilter = api.send("GET", "/api/v2/alerts?active=maybe")
        #expect(badFilter.status == 400)
        #expect(badFilter.json.stringValue == "active in query must be of type boolean: \"maybe\"")
    }

    @Test func alertsShowTheirSilenceAndFollowTheFilters() throws {
        let api = try APIFixture()
        let now = api.clock.now()
        let alert = { (agent: String) in
            Alerting.Alert(
                labels: Labels([Label("alertname", "AgentDown"), Label("agent", agent)]), startsAt: now,
                endsAt: now + .minutes(4), updatedAt: now)
        }
        api.alerts.receive([alert("order-1"), alert("billing-1")])
        let id = api.send("POST", "/api/v2/silences", Self.silence).json.objectValue?["silenceID"]?.stringValue

        let all = api.send("GET", "/api/v2/alerts").json.arrayValue ?? []
        let states = Dictionary(
            uniqueKeysWithValues: all.compactMap { alert -> (String, String)? in
                guard let object = alert.objectValue, let agent = object["labels"]?.objectValue?["agent"]?.stringValue,
                    let state = object["status"]?.objectValue?["state"]?.stringValue
                else { return nil }
                return (agent, state)
            })
        #expect(states == ["order-1": "suppressed", "billing-1": "active"])
        let silenced = all.first { $0.objectValue?["labels"]?.objectValue?["agent"]?.stringValue == "order-1" }
        #expect(silenced?.objectValue?["status"]?.objectValue?["silencedBy"]?.arrayValue?.first?.stringValue == id)

        let active = api.send("GET", "/api/v2/alerts?silenced=false").json.arrayValue ?? []
        #expect(active.compactMap { $0.objectValue?["labels"]?.objectValue?["agent"]?.stringValue } == ["billing-1"])
        let filtered = api.send("GET", "/api/v2/alerts?filter=agent=\"order-1\"").json.arrayValue ?? []
        #expect(filtered.count == 1)
        let groups = api.send("GET", "/api/v2/alerts/groups").json.arrayValue ?? []
        #expect(groups.count == 1, "one group: the default route groups by nothing")
        #expect(groups.first?.objectValue?["alerts"]?.arrayValue?.count == 2)
    }

    @Test func statusIsAlertmanagersShape() throws {
        let api = try APIFixture()
        let status = api.send("GET", "/api/v2/status").json.objectValue
        #expect(status?["cluster"]?.objectValue?["status"]?.stringValue == "disabled")
        #expect(status?["versionInfo"]?.objectValue?["version"]?.stringValue == "heartbeat-exporter 0.1.0")
    }

    @Test func metricsCountFiringAlertsByAgentApartAsActiveOrSuppressed() throws {
        let api = try APIFixture()
        let now = api.clock.now()
        let alert = { (name: String, agent: String?, endsAt: Timestamp) in
            var labels = [Label("alertname", name)]
            if let agent { labels.append(Label("agent", agent)) }
            return Alerting.Alert(labels: Labels(labels), startsAt: now, endsAt: endsAt, updatedAt: now)
        }
        let firing = now + .minutes(4)
        api.alerts.receive([
            alert("Watchdog", nil, firing), alert("AgentDown", "order-1", firing),
            alert("AgentDown", "billing-1", firing), alert("AgentDown", "billing-2", now),
        ])
        #expect(api.send("POST", "/api/v2/silences", Self.silence).status == 200)

        let lines = api.send("GET", "/metrics").text.split(separator: "\n").filter {
            $0.hasPrefix("heartbeat_exporter_firing_alerts")
        }
        #expect(
            lines == [
                #"heartbeat_exporter_firing_alerts{alertname="AgentDown",agent="billing-1",state="active"} 1"#,
                #"heartbeat_exporter_firing_alerts{alertname="AgentDown",agent="billing-1",state="suppressed"} 0"#,
                #"heartbeat_exporter_firing_alerts{alertname="AgentDown",agent="order-1",state="active"} 0"#,
                #"heartbeat_exporter_firing_alerts{alertname="AgentDown",agent="order-1",state="suppressed"} 1"#,
                #"heartbeat_exporter_firing_alerts{alertname="Watchdog",state="active"} 1"#,
                #"heartbeat_exporter_firing_alerts{alertname="Watchdog",state="suppressed"} 0"#,
            ], "billing-2 has resolved")
    }
}
