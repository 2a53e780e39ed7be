import Foundation
import JSON
import Model
import Testing
import TestSupport

/// A firing alert's annotations follow each evaluation in the exporter's Alertmanager API and in the
/// notifications it sends, though the rule engine resends an alert only every minute (Prometheus' pace).
struct AlertAnnotationTests {
    static let rules = """
        groups:
          - name: queue
            interval: 15s
            rules:
              - alert: QueueDeep
                expr: agent_queue_depth > 0
                labels: {severity: warning}
                annotations:
                  summary: "{{ $labels.agent }} has {{ $value }} tasks queued"
        """

    /// An exporter evaluating ``rules``, routing every alert to a webhook after a 30s group wait.
    static func fixture() throws -> APIFixture {
        let directory = TestPaths.temporaryDirectory("annotations")
        try rules.write(toFile: directory + "/queue.yml", atomically: true, encoding: .utf8)
        return try APIFixture(
            config: """
                rule_files: ['\(directory)/queue.yml']
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

    /// `worker-1` beats with `queue` tasks queued, then the rules are evaluated.
    static func evaluate(_ api: APIFixture, queue: Int) {
        let beat = api.send("POST", "/api/v1/heartbeat", #"{"agent":"worker-1","metrics":{"queue_depth":\#(queue)}}"#)
        #expect(beat.status == 202)
        api.exporter.evaluateRules()
    }

    /// The only alert of `GET /api/v2/alerts`.
    static func listedAlert(_ api: APIFixture) throws -> JSONObject {
        let alerts = api.send("GET", "/api/v2/alerts").json.arrayValue ?? []
        #expect(alerts.count == 1)
        return try #require(alerts.first?.objectValue)
    }

    @Test func theAlertmanagerAPIShowsTheLatestEvaluationsAnnotations() throws {
        let api = try Self.fixture()
        let start = api.clock.now()
        Self.evaluate(api, queue: 3)
        var alert = try Self.listedAlert(api)
        #expect(alert["annotations"]?.objectValue?["summary"]?.stringValue == "worker-1 has 3 tasks queued")

        api.clock.advance(by: 15)
        Self.evaluate(api, queue: 7)
        alert = try Self.listedAlert(api)
        #expect(alert["annotations"]?.objectValue?["summary"]?.stringValue == "worker-1 has 7 tasks queued")
        #expect(alert["startsAt"]?.stringValue == start.rfc3339, "still the same alert, started at the first")
        #expect(alert["updatedAt"]?.stringValue == api.clock.now().rfc3339, "updated at this evaluation")
        let rulesAPI = api.send("GET", "/api/v1/alerts").data.objectValue?["alerts"]?.arrayValue?.first?.objectValue
        #expect(rulesAPI?["annotations"]?.objectValue?["summary"]?.stringValue == "worker-1 has 7 tasks queued")
    }

    @Test func theNotificationCarriesTheLatestAnnotations() async throws {
        let api = try Self.fixture()
        Self.evaluate(api, queue: 3)
        api.exporter.routeAlerts()
        api.clock.advance(by: 15)
        Self.evaluate(api, queue: 7)
        api.clock.advance(by: 15)
        Self.evaluate(api, queue: 11)
        api.exporter.routeAlerts()  // group_wait is over: the first notification goes out
        await api.exporter.deliveriesSettled()

        let bodies = api.transport.requests.filter { $0.url.path == "/hook" }.map { $0.body }
        #expect(bodies.count == 1)
        let payload = try #require(bodies.first.flatMap { try? JSONParser.parse($0).objectValue })
        let alert = payload["alerts"]?.arrayValue?.first?.objectValue
        #expect(alert?["annotations"]?.objectValue?["summary"]?.stringValue == "worker-1 has 11 tasks queued")
        #expect(
            payload["commonAnnotations"]?.objectValue?["summary"]?.stringValue == "worker-1 has 11 tasks queued")
    }
}
