import AlertPipeline
import RuleManager
import Alerting
import Fleet
import HTTP
import JSON
import Logging
@testable import Server
import Storage
import TestSupport

/// The exporter's routes over a real registry and SQLite store, driven without a socket and with a manual clock.
struct APIFixture {
    let clock = ManualClock()
    let registry: AgentRegistry
    let store: FleetStore
    let router: Router
    let engine: RuleEngine
    let alerts: AlertRouter

    init(access: AccessControl = AccessControl(), maxAgents: Int = 10_000) throws {
        registry = AgentRegistry(configuration: AgentRegistry.Configuration(maxAgents: maxAgents))
        store = try FleetStore(directory: TestPaths.temporaryDirectory("api"))
        let metrics = ExporterMetrics(startTime: clock.now())
        let persistence = FleetPersistence(registry: registry, store: store, metrics: metrics, clock: clock)
        let alerts = try AlertRouter(
            settings: AlertRouter.Settings(config: nil, externalURL: "http://127.0.0.1:9747", externalLabels: [:]),
            registry: registry, store: store, clock: clock, logger: Logger(label: "test"), transport: FakeTransport([]))
        self.alerts = alerts
        let engine = RuleEngine(registry: registry, store: store, clock: clock, logger: Logger(label: "test")) {
            alerts.receive($0)
        }
        self.engine = engine
        router = Routes(
            heartbeats: HeartbeatAPI(registry: registry, decoder: HeartbeatDecoder(), access: access, metrics: metrics, clock: clock),
            agents: AgentsAPI(registry: registry, persistence: persistence, access: access, clock: clock),
            metrics: MetricsEndpoint(registry: registry, engine: engine, metrics: metrics, notifications: alerts.metrics,
                                     clock: clock, version: "test"),
            lifecycle: LifecycleAPI(access: access, reload: { nil }),
            rules: RulesAPI(engine: engine),
            alertmanager: AlertmanagerAPI(router: alerts, access: access, status: { [clock] in
                AlertmanagerStatus(configOriginal: "route: {receiver: none}\n", startedAt: clock.now(), version: "test")
            })
        ).router()
    }

    func send(_ method: String, _ path: String, _ body: String = "", headers: [(String, String)] = [],
              loopback: Bool = true) -> HTTPResponse {
        let parts = path.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1)
                query[String(keyValue[0])] = keyValue.count == 2 ? String(keyValue[1]) : ""
            }
        }
        let request = HTTPRequest(
            method: method, path: String(parts[0]), query: query, headers: HTTPHeaders(headers), body: Array(body.utf8),
            remoteAddress: loopback ? "127.0.0.1" : "192.0.2.7")
        return router.handle(request)
    }
}

extension HTTPResponse {
    var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
    var data: JSONValue { json.objectValue?["data"] ?? .null }
    var text: String { String(decoding: body, as: UTF8.self) }
}
