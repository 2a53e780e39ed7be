import Foundation
import JSON
import Testing
import TestSupport

/// Alert routing end to end: the real binary with short thresholds and intervals, webhooks received by a real
/// HTTP listener, silences driven by the real `amtool`, alerts forwarded to a real Alertmanager.
@Suite(.serialized)
struct AlertRoutingTests {
    /// `AgentUnreachable` for a silent agent; `AgentSeen` fires for every agent that ever beat (killed ones too).
    static let rules = """
        groups:
          - name: e2e
            interval: 1s
            rules:
              - alert: AgentUnreachable
                expr: agent_health{state="unreachable"} == 1
                for: 2s
                labels: {severity: critical}
                annotations: {summary: "{{ $labels.agent }} stopped beating"}
              - alert: AgentSeen
                expr: agent_heartbeats_total > 0
                labels: {severity: info}
        """

    static let externalURL = "http://hx.test:9747"

    /// Starts the exporter with `routing` (the `route` and `receivers` sections) beside the rules above.
    static func exporter(routing: String) async throws -> ExporterProcess {
        let directory = TestPaths.temporaryDirectory("routing-e2e")
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try rules.write(toFile: directory + "/rules/e2e.yml", atomically: true, encoding: .utf8)
        try """
        health: {degraded_after: 1s, unreachable_after: 2s}
        global: {evaluation_interval: 1s, external_url: '\(externalURL)'}
        \(routing)
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        return try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"])
    }

    static func webhookRouting(
        _ hooks: [(name: String, url: URL)], groupInterval: String = "2s",
        routes: String = "", groupWait: String = "1s"
    ) -> String {
        let receivers = hooks.map { "  - name: \($0.name)\n    webhook_configs: [{url: '\($0.url.absoluteString)'}]" }
        return """
            route:
              receiver: \(hooks.first?.name ?? "")
              group_by: [alertname, agent]
              group_wait: \(groupWait)
              group_interval: \(groupInterval)
              repeat_interval: 1h
            \(routes)
            receivers:
            \(receivers.joined(separator: "\n"))
            """
    }

    /// The webhook payloads received, parsed.
    static func payloads(_ listener: LocalHTTPServer, alertname: String? = nil) -> [JSONObject] {
        listener.requests.compactMap { try? JSONParser.parse($0.body).objectValue }.filter { payload in
            alertname == nil || payload["groupLabels"]?.objectValue?["alertname"]?.stringValue == alertname
        }
    }

    @Test func aSilentAgentGivesExactlyOneFiringPayloadThenItsResolution() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let exporter = try await Self.exporter(routing: Self.webhookRouting([("hook", listener.url)]))
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("silent")).status == 202)

        try await waitUntil("a firing payload arrives") {
            !Self.payloads(listener, alertname: "AgentUnreachable").isEmpty
        }
        try await Task.sleep(for: .seconds(5))  // two more group intervals and several rule resends
        let firing = Self.payloads(listener, alertname: "AgentUnreachable")
        #expect(firing.count == 1, "exactly one firing notification, got \(firing.count)")
        let payload = try #require(firing.first)
        Self.expectVersion4(payload, status: "firing", agent: "silent")

        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("silent")).status == 202)
        try await waitUntil("the resolved payload arrives") {
            Self.payloads(listener, alertname: "AgentUnreachable").count >= 2
        }
        // Silent again after its one beat, the agent may fire anew later; the first episode is the one asserted.
        let payloads = Self.payloads(listener, alertname: "AgentUnreachable").prefix(2)
        #expect(payloads.map { $0["status"]?.stringValue ?? "" } == ["firing", "resolved"])
        let resolved = payloads.last?["alerts"]?.arrayValue?.first?.objectValue
        #expect(resolved?["status"]?.stringValue == "resolved")
        #expect(resolved?["endsAt"]?.stringValue != "0001-01-01T00:00:00Z")
    }

    @Test func aRestartDoesNotRepeatWhatWasAlreadyNotified() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let first = try await Self.exporter(routing: Self.webhookRouting([("hook", listener.url)]))
        let configArguments = Array(first.process.arguments?.suffix(2) ?? [])
        let client = HTTPTestClient(baseURL: first.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("steady")).status == 202)
        try await waitUntil("AgentSeen is notified") { !Self.payloads(listener, alertname: "AgentSeen").isEmpty }
        #expect(await first.terminate() == 0)

        let second = try await ExporterProcess(storagePath: first.storagePath, arguments: configArguments)
        let restarted = HTTPTestClient(baseURL: second.baseURL)
        try await waitUntil("the restored alert is routed again") {
            let alerts = try await restarted.get("/api/v2/alerts").json.arrayValue ?? []
            return alerts.contains { $0.objectValue?["labels"]?.objectValue?["agent"]?.stringValue == "steady" }
        }
        try await Task.sleep(for: .seconds(4))  // group_wait and a group interval after the alert came back
        #expect(Self.payloads(listener, alertname: "AgentSeen").count == 1, "notified once, before the restart")
    }

    /// Every field of Alertmanager's webhook payload version 4, with the values this alert must have.
    static func expectVersion4(_ payload: JSONObject, status: String, agent: String) {
        #expect(
            payload.members.map(\.key).sorted() == [
                "alerts", "commonAnnotations", "commonLabels", "externalURL", "groupKey", "groupLabels", "receiver",
                "status", "truncatedAlerts", "version",
            ])
        #expect(payload["version"]?.stringValue == "4")
        #expect(payload["status"]?.stringValue == status)
        #expect(payload["receiver"]?.stringValue == "hook")
        #expect(payload["truncatedAlerts"]?.numberValue == 0)
        #expect(payload["externalURL"]?.stringValue == externalURL)
        #expect(payload["groupKey"]?.stringValue == #"{}:{agent="\#(agent)", alertname="AgentUnreachable"}"#)
        #expect(payload["groupLabels"]?.objectValue?["agent"]?.stringValue == agent)
        #expect(payload["commonLabels"]?.objectValue?["severity"]?.stringValue == "critical")
        #expect(payload["commonAnnotations"]?.objectValue?["summary"]?.stringValue == "\(agent) stopped beating")
        let alerts = payload["alerts"]?.arrayValue ?? []
        #expect(alerts.count == 1)
        guard let alert = alerts.first?.objectValue else { return }
        #expect(
            alert.members.map(\.key).sorted() == [
                "annotations", "endsAt", "fingerprint", "generatorURL", "labels", "startsAt", "status",
            ])
        #expect(alert["status"]?.stringValue == status)
        #expect(alert["labels"]?.objectValue?["agent"]?.stringValue == agent)
        #expect(alert["endsAt"]?.stringValue == "0001-01-01T00:00:00Z")
        #expect(
            alert["startsAt"]?.stringValue?.range(
                of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"#,
                options: .regularExpression) != nil)
        #expect(alert["generatorURL"]?.stringValue == externalURL + "/api/v1/rules")
        #expect((alert["fingerprint"]?.stringValue ?? "").count == 16)
    }

    @Test func aServerErrorIsRetriedAndARefusalIsNot() async throws {
        let failing = try LocalHTTPServer(statuses: [500, 500, 200])
        let refusing = try LocalHTTPServer(statuses: [400])
        let elsewhere = try LocalHTTPServer()  // the root receiver, for AgentUnreachable once the agent falls silent
        defer { failing.stop(); refusing.stop(); elsewhere.stop() }
        let routes = """
              routes:
                - {receiver: refusing, matchers: ['alertname="AgentSeen"'], continue: true}
                - {receiver: failing, matchers: ['alertname="AgentSeen"']}
            """
        let exporter = try await Self.exporter(
            routing: Self.webhookRouting(
                [("elsewhere", elsewhere.url), ("failing", failing.url), ("refusing", refusing.url)],
                groupInterval: "1m",
                routes: routes))
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("busy")).status == 202)

        try await waitUntil("the failing listener is answered with 200 on the third attempt") {
            failing.requests.count >= 3
        }
        try await Task.sleep(for: .seconds(3))
        #expect(failing.requests.count == 3)
        #expect(refusing.requests.count == 1, "a 4xx is not retried")
        let metrics = try await client.get("/metrics").text
        #expect(
            sampleValue(
                metrics, #"heartbeat_exporter_notifications_total{receiver="failing",result="retryable_error"}"#) == 2)
        #expect(
            sampleValue(metrics, #"heartbeat_exporter_notifications_total{receiver="failing",result="success"}"#) == 1)
        #expect(
            sampleValue(
                metrics, #"heartbeat_exporter_notifications_total{receiver="refusing",result="permanent_error"}"#) == 1)
    }

    @Test func amtoolSilencesAnAlertUntilItExpiresTheSilence() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let exporter = try await Self.exporter(routing: Self.webhookRouting([("hook", listener.url)]))
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let amtool = { (arguments: [String]) async throws -> ExternalTool.Result in
            try await ExternalTool.run("amtool", ["--alertmanager.url=\(exporter.baseURL)"] + arguments)
        }
        let added = try await amtool(["silence", "add", "agent=hushed", "--comment=maintenance", "--duration=1h"])
        #expect(added.status == 0, "\(added.stderr)")
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 36, "amtool prints the new silence's ID, got \(added.stdout)")
        #expect(
            added.stderr.contains(/alertmanager version \(heartbeat-exporter [0-9.]+\) are different/),
            "amtool's version warning names what answers: \(added.stderr)")
        let unchecked = try await amtool(["--no-version-check", "silence", "query"])
        #expect(unchecked.status == 0 && unchecked.stderr.isEmpty, "\(unchecked.stderr)")
        let query = try await amtool(["silence", "query"])
        #expect(query.stdout.contains(id) && query.stdout.contains("maintenance"))

        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("hushed")).status == 202)
        try await waitUntil("AgentSeen is in the API as suppressed") {
            let alerts = try await client.get("/api/v2/alerts?filter=agent%3D%22hushed%22").json.arrayValue ?? []
            return alerts.contains {
                $0.objectValue?["status"]?.objectValue?["silencedBy"]?.arrayValue?.first?.stringValue == id
            }
        }
        let listed = try await amtool(["alert", "query"])
        #expect(!listed.stdout.contains("hushed"), "amtool lists only unsilenced alerts by default")
        #expect(try await amtool(["alert", "query", "--silenced"]).stdout.contains("AgentSeen"))
        try await Task.sleep(for: .seconds(4))
        #expect(Self.payloads(listener).isEmpty, "nothing is delivered while the silence is active")

        let expired = try await amtool(["silence", "expire", id])
        #expect(expired.status == 0, "\(expired.stderr)")
        #expect(
            try await amtool(["silence", "query"]).stdout.contains(id) == false, "query lists active silences only")
        try await waitUntil("the alert is delivered once the silence expired") { !Self.payloads(listener).isEmpty }
    }

    @Test func killingAnAgentSuppressesItsAlertsAndResumingRestoresThem() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let exporter = try await Self.exporter(routing: Self.webhookRouting([("hook", listener.url)]))
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("doomed")).status == 202)
        #expect(
            try await client.post("/api/v1/agents/doomed/kill", #"{"reason": "runaway cost", "by": "alice"}"#).status
                == 200)

        try await waitUntil("AgentSeen for the killed agent is listed as suppressed") {
            let alerts = try await client.get("/api/v2/alerts").json.arrayValue ?? []
            return alerts.contains { alert in
                let status = alert.objectValue?["status"]?.objectValue
                return status?["state"]?.stringValue == "suppressed"
                    && status?["silencedBy"]?.arrayValue?.first?.stringValue == "killed:doomed"
            }
        }
        try await Task.sleep(for: .seconds(4))
        #expect(Self.payloads(listener).isEmpty, "nothing is sent for a killed agent")

        #expect(try await client.post("/api/v1/agents/doomed/resume").status == 200)
        try await waitUntil("the still-firing alert notifies after resume") {
            Self.payloads(listener, alertname: "AgentSeen").contains { $0["status"]?.stringValue == "firing" }
        }
    }

    @Test func aRealAlertmanagerReceivesAndListsForwardedAlerts() async throws {
        let alertmanager = try AlertmanagerProcess()
        try await alertmanager.waitUntilReady()
        let exporter = try await Self.exporter(
            routing: """
                route: {receiver: upstream, group_wait: 1s}
                receivers:
                  - name: upstream
                    alertmanager_configs: [{url: '\(alertmanager.url)'}]
                """)
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("forwarded")).status == 202)

        let upstream = HTTPTestClient(baseURL: alertmanager.url)
        try await waitUntil("Alertmanager lists AgentSeen for the agent") {
            let alerts = try await upstream.get("/api/v2/alerts").json.arrayValue ?? []
            return alerts.contains { alert in
                let labels = alert.objectValue?["labels"]?.objectValue
                return labels?["alertname"]?.stringValue == "AgentSeen" && labels?["agent"]?.stringValue == "forwarded"
            }
        }
        // Alertmanager lists the alert as soon as it has read the request; the exporter counts the delivery when
        // the response arrives, a moment later.
        try await waitUntil("the delivery is counted as a success") {
            let metrics = try await client.get("/metrics").text
            let success = #"heartbeat_exporter_notifications_total{receiver="upstream",result="success"}"#
            return (sampleValue(metrics, success) ?? 0) >= 1
        }
    }
}
