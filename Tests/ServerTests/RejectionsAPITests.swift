import JSON
import Model
import Testing
import TestSupport

/// Refused heartbeats: listed by `GET /api/v1/rejections`, counted on `/metrics`, read by the rules.
struct RejectionsAPITests {
    static let nineLabels = "{" + (1...9).map { "\"l\($0)\": \"v\"" }.joined(separator: ", ") + "}"

    /// The entries of `GET /api/v1/rejections`, by agent (`-` for none) and reason.
    static func entries(_ api: APIFixture) -> [String: JSONObject] {
        let reply = api.send("GET", "/api/v1/rejections")
        #expect(reply.status == 200)
        #expect(reply.json.objectValue?["status"]?.stringValue == "success")
        var entries: [String: JSONObject] = [:]
        for entry in reply.data.objectValue?["rejections"]?.arrayValue ?? [] {
            guard let object = entry.objectValue, let reason = object["reason"]?.stringValue else { continue }
            entries[(object["agent"]?.stringValue ?? "-") + " " + reason] = object
        }
        return entries
    }

    @Test func refusedAgentsAreListedWithReasonCountErrorAndTime() throws {
        let api = try APIFixture()
        let nine = #"{"agent": "labeller", "labels": \#(Self.nineLabels)}"#
        #expect(api.send("POST", "/api/v1/heartbeat", nine).status == 429)
        api.clock.advance(by: 30)
        #expect(api.send("POST", "/api/v1/heartbeat", nine).status == 429)
        let dashed = #"{"agent": "dasher", "labels": {"team-name": "payments"}}"#
        #expect(api.send("POST", "/api/v1/heartbeat", dashed).status == 422)
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "cut"#).status == 400)
        let batch = api.send("POST", "/api/v1/heartbeats", #"[{"agent": "fine"}, {"agent": "late", "seq": -1}]"#)
        #expect(batch.status == 202)

        let entries = Self.entries(api)
        #expect(
            Set(entries.keys) == [
                "labeller too_many_labels", "dasher invalid_label", "- malformed_body", "late invalid_field",
            ])
        let labeller = entries["labeller too_many_labels"]
        #expect(labeller?["count"]?.numberValue == 2)
        #expect(labeller?["status"]?.numberValue == 429)
        #expect(labeller?["last_error"]?.stringValue == #"field "labels": at most 8 labels per agent, got 9"#)
        #expect(labeller?["last_at"]?.stringValue == api.clock.now().rfc3339)
        #expect(labeller?["first_at"]?.stringValue == (api.clock.now() - .seconds(30)).rfc3339)
        #expect(
            entries["dasher invalid_label"]?["last_error"]?.stringValue
                == #"field "labels.team-name": label name must match [a-zA-Z_][a-zA-Z0-9_]*"#)
        #expect(entries["- malformed_body"]?["agent"] == .null)
        let data = api.send("GET", "/api/v1/rejections").data.objectValue
        #expect(data?["totals"]?.objectValue?["too_many_labels"]?.numberValue == 2)
        #expect(data?["capacity"]?.numberValue == 100)
        #expect(data?["evicted"]?.numberValue == 0)

        let fleet = api.send("GET", "/api/v1/agents").data.objectValue?["agents"]?.arrayValue ?? []
        #expect(fleet.compactMap { $0.objectValue?["agent"]?.stringValue } == ["fine"], "refused agents never join")
        let metrics = api.send("GET", "/metrics").text
        #expect(metrics.contains("heartbeat_exporter_heartbeats_rejected_total{reason=\"too_many_labels\"} 2\n"))
        #expect(metrics.contains("heartbeat_exporter_heartbeats_rejected_total{reason=\"agent_limit\"} 0\n"))
    }

    @Test func aRefusedTokenIsRecordedWithoutItsAgentAndTheAgentLimitWithIt() throws {
        let api = try APIFixture(ingestToken: "s3cret", maxAgents: 1)
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "tokenless"}"#).status == 401)
        let auth = [("Authorization", "Bearer s3cret")]
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "first"}"#, headers: auth).status == 202)
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "second"}"#, headers: auth).status == 429)
        let entries = Self.entries(api)
        #expect(Set(entries.keys) == ["- unauthorized", "second agent_limit"])
        #expect(entries["- unauthorized"]?["status"]?.numberValue == 401)
        #expect(
            entries["- unauthorized"]?["last_error"]?.stringValue
                == "missing token: send Authorization: Bearer <token> or X-Heartbeat-Token: <token>")
    }

    @Test func theShippedRuleFiresWhileBeatsKeepBeingRefused() throws {
        let rules = TestPaths.packageRoot.appendingPathComponent("rules/exporter.yml").path
        let api = try APIFixture(config: "global: {evaluation_interval: 15s}\nrule_files: ['\(rules)']")
        let nine = #"{"agent": "labeller", "labels": \#(Self.nineLabels)}"#
        var states: [String] = []
        // A beat refused every 30 s, rules evaluated every 15 s, for 6 minutes.
        for step in 0..<24 {
            if step % 2 == 1 { #expect(api.send("POST", "/api/v1/heartbeat", nine).status == 429) }
            api.exporter.evaluateRules()
            let alerts = api.send("GET", "/api/v1/alerts").data.objectValue?["alerts"]?.arrayValue ?? []
            let mine = alerts.compactMap(\.objectValue).first {
                $0["labels"]?.objectValue?["alertname"]?.stringValue == "HeartbeatsRejected"
            }
            states.append(mine?["state"]?.stringValue ?? "none")
            if step == 23 {
                #expect(mine?["labels"]?.objectValue?["reason"]?.stringValue == "too_many_labels")
            }
            api.clock.advance(by: 15)
        }
        #expect(states.first == "none", "nothing refused yet")
        #expect(states.firstIndex(of: "pending") == 1, "the counter's first increase")
        #expect(states.firstIndex(of: "firing") == 21, "5 minutes after it became pending")
    }
}
