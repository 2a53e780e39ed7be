import Foundation
import HeartbeatClient
import JSON
import Testing
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The link a notification carries (`generatorURL`) answers when an operator follows it from the webhook.
@Suite(.serialized)
struct AlertLinkTests {
    /// Starts the exporter on a known port with `AlertRoutingTests.rules`, notifying `listener` at once.
    static func exporter(port: UInt16, listener: LocalHTTPServer, arguments: [String] = []) async throws
        -> ExporterProcess
    {
        let directory = TestPaths.temporaryDirectory("alert-links")
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try AlertRoutingTests.rules.write(toFile: directory + "/rules/e2e.yml", atomically: true, encoding: .utf8)
        try """
        global: {evaluation_interval: 1s}
        route: {receiver: hook, group_by: [alertname], group_wait: 1s}
        receivers: [{name: hook, webhook_configs: [{url: '\(listener.url.absoluteString)'}]}]
        """.write(toFile: directory + "/hx.yml", atomically: true, encoding: .utf8)
        return try await ExporterProcess(arguments: ["--config.file", directory + "/hx.yml"] + arguments, port: port)
    }

    /// The first `AgentSeen` payload the listener receives once an agent beats.
    static func seenPayload(_ exporter: ExporterProcess, _ listener: LocalHTTPServer) async throws -> JSONObject {
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await client.post("/api/v1/heartbeat", HTTPTestClient.beat("linked")).status == 202)
        try await waitUntil("AgentSeen reaches the webhook") {
            !AlertRoutingTests.payloads(listener, alertname: "AgentSeen").isEmpty
        }
        return try #require(AlertRoutingTests.payloads(listener, alertname: "AgentSeen").first)
    }

    /// Follows a link as a browser would: GET, whatever the host.
    static func follow(_ link: String) async throws -> (status: Int, body: String) {
        let url = try #require(URL(string: link))
        let (data, response) = try await URLSession.shared.cancellableData(
            for: URLRequest(url: url, timeoutInterval: 10))
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func withoutAPrometheusTheLinkOpensTheExportersRules() async throws {
        let listener = try LocalHTTPServer()
        defer { listener.stop() }
        let port = try FreePort.pick()
        let exporter = try await Self.exporter(port: port, listener: listener)

        let payload = try await Self.seenPayload(exporter, listener)
        let link = try #require(payload["alerts"]?.arrayValue?.first?.objectValue?["generatorURL"]?.stringValue)

        #expect(link == "http://127.0.0.1:\(port)/api/v1/rules")
        #expect(payload["externalURL"]?.stringValue == "http://127.0.0.1:\(port)")
        let followed = try await Self.follow(link)
        #expect(followed.status == 200)
        #expect(followed.body.contains(#""name":"AgentSeen""#))
    }

    @Test func withWebExternalURLTheLinkIsTheOneThatPrometheusPutsOnTheSameAlert() async throws {
        let listener = try LocalHTTPServer()
        let alertmanager = try LocalHTTPServer()  // receives what the real Prometheus sends for the same rule
        defer { listener.stop(); alertmanager.stop() }
        let port = try FreePort.pick()
        let rules = TestPaths.temporaryDirectory("prometheus-rules") + "/e2e.yml"
        try AlertRoutingTests.rules.write(toFile: rules, atomically: true, encoding: .utf8)
        let prometheus = try PrometheusProcess(
            scrapeTarget: "127.0.0.1:\(port)", ruleFiles: [rules], alertmanagerTarget: "127.0.0.1:\(alertmanager.port)")
        try await prometheus.waitUntilReady()
        let prometheusURL = "http://127.0.0.1:\(prometheus.port)"
        let exporter = try await Self.exporter(
            port: port, listener: listener, arguments: ["--web.external-url", prometheusURL + "/"])

        let payload = try await Self.seenPayload(exporter, listener)
        let link = try #require(payload["alerts"]?.arrayValue?.first?.objectValue?["generatorURL"]?.stringValue)

        #expect(link == prometheusURL + "/graph?g0.expr=agent_heartbeats_total+%3E+0&g0.tab=1")
        #expect(payload["externalURL"]?.stringValue == "http://127.0.0.1:\(port)", "the exporter routed it")
        try await waitUntil("Prometheus sends its AgentSeen") { !Self.prometheusLinks(alertmanager).isEmpty }
        #expect(Self.prometheusLinks(alertmanager) == [link], "Prometheus links its own alert the same way")
    }

    /// The distinct `generatorURL`s of the `AgentSeen` alerts Prometheus posted to `alertmanager`.
    static func prometheusLinks(_ alertmanager: LocalHTTPServer) -> Set<String> {
        var links: Set<String> = []
        for request in alertmanager.requests {
            for alert in (try? JSONParser.parse(request.body).arrayValue) ?? [] {
                guard let object = alert.objectValue,
                    object["labels"]?.objectValue?["alertname"]?.stringValue == "AgentSeen",
                    let link = object["generatorURL"]?.stringValue
                else { continue }
                links.insert(link)
            }
        }
        return links
    }

    @Test func aWebExternalURLThatIsNotAURLIsRefusedAtStart() async throws {
        let refused = try await ExternalTool.run(
            ExporterProcess.binary,
            ["serve", "--web.external-url", "prometheus:9090", "--storage.path", TestPaths.temporaryDirectory()])
        #expect(refused.status == 64)
        #expect(
            refused.stderr.contains(
                #"--web.external-url: must be an http or https URL such as http://prometheus:9090, got "prometheus:9090""#
            ))
    }
}
