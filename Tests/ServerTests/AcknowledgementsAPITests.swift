import Foundation
import JSON
import Testing
import TestSupport

/// `/api/v1/alerts/acknowledgements` on the whole exporter: what an operator sends and gets back, and each
/// mistake answered with a 4xx naming what is wrong.
struct AcknowledgementsAPITests {
    static let path = "/api/v1/alerts/acknowledgements"

    /// An exporter whose `AgentDown` fires at once for a silent agent `w1`.
    static func fixture(adminToken: String? = nil) throws -> APIFixture {
        let directory = TestPaths.temporaryDirectory("acks")
        try """
        groups:
          - name: health
            interval: 15s
            rules:
              - alert: AgentDown
                expr: agent_up == 0
        """.write(toFile: directory + "/health.yml", atomically: true, encoding: .utf8)
        let api = try APIFixture(
            config: """
                rule_files: ['\(directory)/health.yml']
                health: {degraded_after: 10s, unreachable_after: 20s}
                """, adminToken: adminToken)
        _ = api.send("POST", "/api/v1/heartbeat", #"{"agent": "w1"}"#)
        api.clock.advance(by: 30)
        api.exporter.runMaintenance()
        api.exporter.evaluateRules()
        api.exporter.routeAlerts()
        return api
    }

    static let body = #"""
        {"matchers": [{"name": "agent", "value": "w1", "isRegex": false, "isEqual": true}],
         "createdBy": "alice", "comment": "restarting it"}
        """#

    @Test func anOperatorAcknowledgesListsAndRemoves() throws {
        let api = try Self.fixture()
        let made = api.send("POST", Self.path, Self.body)
        #expect(made.status == 200, "\(made.text)")
        let id = try #require(made.data.objectValue?["id"]?.stringValue)
        #expect(made.data.objectValue?["alerts"]?.numberValue == 1)
        let listed = api.send("GET", Self.path).data.arrayValue ?? []
        #expect(listed.compactMap { $0.objectValue?["id"]?.stringValue } == [id])
        #expect(listed.first?.objectValue?["createdBy"]?.stringValue == "alice")
        let alert = api.send("GET", "/api/v2/alerts").json.arrayValue?.first?.objectValue
        let status = alert?["status"]?.objectValue
        #expect(status?["state"]?.stringValue == "active")
        #expect(status?["acknowledgedBy"]?.objectValue?["createdBy"]?.stringValue == "alice")
        #expect(status?["acknowledgedBy"]?.objectValue?["comment"]?.stringValue == "restarting it")
        #expect(api.send("DELETE", Self.path + "/" + id).status == 200)
        #expect(api.send("GET", Self.path).data.arrayValue?.isEmpty == true)
        #expect(api.send("DELETE", Self.path + "/" + id).status == 404)
    }

    @Test(arguments: [
        (#"{"createdBy": "a", "comment": ""}"#, 400, "matchers in body is required"),
        (
            #"{"matchers": [{"name": "agent", "value": "w1"}], "createdBy": "a", "comment": ""}"#, 400,
            "matchers.0.isRegex in body is required"
        ),
        (
            #"{"matchers": [{"name": "agent", "value": "w(1", "isRegex": true}], "createdBy": "a", "comment": ""}"#,
            400, "invalid label matcher 0: invalid regular expression"
        ),
        (
            #"{"matchers": [{"name": "agent", "value": "w1", "isRegex": false}], "comment": ""}"#, 400,
            "createdBy in body is required"
        ),
        (
            #"{"matchers": [{"name": "agent", "value": "nobody", "isRegex": false}], "createdBy": "a", "comment": ""}"#,
            404, "no firing alert matches {agent=\"nobody\"}: nothing to acknowledge"
        ),
        (
            #"{"matchers": [{"name": "agent", "value": "w1", "isRegex": false}], "createdBy": "a", "comment": "", "endsAt": "2020-01-01T00:00:00Z"}"#,
            400, "endsAt in body must be in the future"
        ),
    ])
    func badRequestsAreRefusedNamingWhatIsWrong(body: String, status: Int, message: String) throws {
        let api = try Self.fixture()
        let reply = api.send("POST", Self.path, body)
        #expect(reply.status == status)
        #expect(reply.json.objectValue?["error"]?.stringValue?.contains(message) == true, "\(reply.text)")
        #expect(api.send("GET", Self.path).data.arrayValue?.isEmpty == true)
    }

    @Test func writesNeedTheAdminToken() throws {
        let api = try Self.fixture(adminToken: "secret")
        #expect(api.send("POST", Self.path, Self.body).status == 401)
        let made = api.send("POST", Self.path, Self.body, headers: [("Authorization", "Bearer secret")])
        #expect(made.status == 200)
        #expect(api.send("GET", Self.path).status == 200, "reading needs no token, as for silences")
    }
}
