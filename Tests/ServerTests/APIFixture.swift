import AlertPipeline
import Alerting
import Fleet
import Foundation
import HTTP
import JSON
import Logging
import Recovery
import RuleManager
@testable import Server
import TestSupport

/// An exporter assembled from test parts (manual clock, in-memory storage, a transport that records what it is
/// sent), driven without a socket: requests go to ``Exporter/handle(_:)``, timers follow the manual clock.
struct APIFixture {
    let clock: ManualClock
    let storage: InMemoryStorage
    let transport = FakeTransport([])
    let exporter: Exporter
    /// The configuration file the exporter reads (and re-reads on reload).
    let configFile: String

    /// The exporter's agent registry.
    var registry: AgentRegistry { exporter.registry }
    /// The exporter's alert pipeline.
    var alerts: AlertRouter { exporter.router }

    /// An exporter with the built-in configuration, or with `config` as its configuration file; `storage` holds
    /// what an earlier fixture's exporter stored, for a restart.
    init(
        config: String? = nil, adminToken: String? = nil, ingestToken: String? = nil, maxAgents: Int = 10_000,
        externalURL: String? = nil, allowedHosts: [String] = [], silenceLimits: SilenceLimits = .standard,
        webConfig: String? = nil, recoverySteps: (any RecoveryStepExecutor)? = nil, clock: ManualClock = ManualClock(),
        storage: InMemoryStorage = InMemoryStorage()
    ) throws {
        self.clock = clock
        self.storage = storage
        let directory = TestPaths.temporaryDirectory("api")
        var options = ExporterOptions()
        options.listenAddress = "127.0.0.1:0"
        options.storagePath = directory
        options.configFile = directory + "/heartbeat-exporter.yml"
        options.maxAgents = maxAgents
        options.externalURL = externalURL
        options.allowedHosts = allowedHosts
        options.silenceLimits = silenceLimits
        configFile = options.configFile
        if let config { try config.write(toFile: options.configFile, atomically: true, encoding: .utf8) }
        options.adminTokenFile = try adminToken.map { try Self.write($0, to: directory + "/admin-token") }
        options.ingestTokenFile = try ingestToken.map { try Self.write($0, to: directory + "/ingest-token") }
        options.webConfigFile = try webConfig.map { try Self.write($0, to: directory + "/web.yml") }
        let parts = ExporterParts(
            clock: clock, logger: Logger(label: "test"), storage: storage, transport: transport, retryDelay: { _ in },
            recoverySteps: recoverySteps)
        exporter = try Exporter(options: options, parts: parts)
    }

    private static func write(_ token: String, to path: String) throws -> String {
        try token.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func send(
        _ method: String, _ path: String, _ body: String = "", headers: [(String, String)] = [],
        loopback: Bool = true
    ) -> HTTPResponse {
        let parts = path.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1)
                query[String(keyValue[0])] = keyValue.count == 2 ? String(keyValue[1]) : ""
            }
        }
        // The exporter's bodies are JSON; a test that sends another type (or none) says so in `headers`.
        let keepHeaders = body.isEmpty || headers.contains { $0.0.lowercased() == "content-type" }
        let request = HTTPRequest(
            method: method, path: String(parts[0]), query: query,
            headers: HTTPHeaders((keepHeaders ? [] : [("Content-Type", "application/json")]) + headers),
            body: Array(body.utf8),
            remoteAddress: loopback ? "127.0.0.1" : "192.0.2.7")
        return exporter.handle(request)
    }
}

extension HTTPResponse {
    var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
    var data: JSONValue { json.objectValue?["data"] ?? .null }
    var text: String { String(decoding: body, as: UTF8.self) }
}
