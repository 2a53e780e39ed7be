import Foundation
import JSON
@testable import Server
import Testing
import TestSupport

/// Where a notification's alerts link to (`generatorURL`), and what the payload's `externalURL` names.
struct AlertLinkTests {
    /// A configuration whose one rule fires for every agent that beat, notified at once to a webhook.
    static func config(externalURL: String? = nil) throws -> String {
        let rules = TestPaths.temporaryDirectory("alert-links") + "/seen.yml"
        try """
        groups:
          - name: links
            rules:
              - alert: Seen
                expr: agent_heartbeats_total > 0
                annotations: {link: '{{ $externalURL }}'}
        """.write(toFile: rules, atomically: true, encoding: .utf8)
        return """
            global: {evaluation_interval: 1s\(externalURL.map { ", external_url: '\($0)'" } ?? "")}
            rule_files: ['\(rules)']
            route: {receiver: hook, group_wait: 0s}
            receivers: [{name: hook, webhook_configs: [{url: 'http://127.0.0.1:9/hook'}]}]
            """
    }

    /// Beats, evaluates, routes and delivers; returns the one webhook payload sent.
    static func firstPayload(_ api: APIFixture) async throws -> JSONObject {
        #expect(api.send("POST", "/api/v1/heartbeat", #"{"agent": "a"}"#).status == 202)
        api.exporter.evaluateRules()
        api.exporter.routeAlerts()
        await api.exporter.deliveriesSettled()
        let body = try #require(api.transport.requests.first?.body)
        return try #require(try JSONParser.parse(body).objectValue)
    }

    @Test func withWebExternalURLAlertsLinkToThatPrometheusAsItLinksItsOwn() async throws {
        let api = try APIFixture(
            config: try Self.config(externalURL: "http://hx.example:9747"),
            externalURL: "http://prometheus.example:9090/")
        let payload = try await Self.firstPayload(api)
        let alert = payload["alerts"]?.arrayValue?.first?.objectValue
        #expect(
            alert?["generatorURL"]?.stringValue
                == "http://prometheus.example:9090/graph?g0.expr=agent_heartbeats_total+%3E+0&g0.tab=1")
        #expect(alert?["annotations"]?.objectValue?["link"]?.stringValue == "http://prometheus.example:9090")
        #expect(payload["externalURL"]?.stringValue == "http://hx.example:9747", "the exporter, which routed it")
    }

    @Test func withoutItAlertsLinkToTheExportersRulesAtItsExternalURL() async throws {
        let api = try APIFixture(config: try Self.config(externalURL: "http://hx.example:9747/"))
        let payload = try await Self.firstPayload(api)
        let alert = payload["alerts"]?.arrayValue?.first?.objectValue
        #expect(alert?["generatorURL"]?.stringValue == "http://hx.example:9747/api/v1/rules")
        #expect(alert?["annotations"]?.objectValue?["link"]?.stringValue == "http://hx.example:9747")
        #expect(payload["externalURL"]?.stringValue == "http://hx.example:9747")
    }

    @Test func withNeitherTheLinkIsTheListenAddressAndEveryInterfaceIsTheHostName() {
        var options = ExporterOptions()
        options.listenAddress = "127.0.0.1:9747"
        #expect(
            ExternalURLs(config: ExporterConfig(), options: options).generatorLink.url(expression: "up")
                == "http://127.0.0.1:9747/api/v1/rules")
        options.listenAddress = ":9747"
        #expect(
            ExternalURLs(config: ExporterConfig(), options: options).exporter
                == "http://\(ProcessInfo.processInfo.hostName):9747")
        options.listenAddress = "[::1]:9747"
        #expect(ExternalURLs(config: ExporterConfig(), options: options).exporter == "http://[::1]:9747")
    }

    @Test(arguments: ["prometheus:9090", "ftp://prometheus", "http://", "not a url"])
    func aWebExternalURLThatIsNotAnHTTPURLIsRefused(_ value: String) {
        #expect(throws: OptionsError.self) { try ExternalURLs.validate(value, flag: "--web.external-url") }
    }
}
