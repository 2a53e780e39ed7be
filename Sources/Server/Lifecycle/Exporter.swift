import AlertPipeline
import Alerting
import Fleet
import Foundation
import HTTP
import Logging
import Model
import RuleManager
import Rules
import Storage
import YAMLConfig
import Synchronization

/// The running exporter: configuration, registry, storage, HTTP API and maintenance loop, wired together.
///
/// `start()` restores the fleet from SQLite and starts listening; `shutdown()` stops accepting, lets
/// in-flight requests finish, and writes every change before it returns.
public final class Exporter: Sendable {
    /// The version reported by `heartbeat_exporter_build_info` and `--version`.
    public static let version = "0.1.0"

    private let options: ExporterOptions
    private let clock: any WallClock
    private let logger: Logger
    private let registry: AgentRegistry
    private let persistence: FleetPersistence
    private let metrics: ExporterMetrics
    private let lifecycle: LifecycleAPI
    private let server: HTTPServer
    private let maintenance: PeriodicThread
    private let ruleEvaluation: PeriodicThread
    private let router: AlertRouter
    private let notifications: PeriodicThread
    private let reloader: Reloader
    /// The configuration in force, replaced on a successful reload.
    private let config: Mutex<ExporterConfig>

    /// Loads the configuration and the stored fleet, and prepares the listener (not yet started).
    /// - Throws: ``ConfigError``, ``StorageError`` or ``OptionsError`` saying what is wrong.
    public init(options: ExporterOptions, clock: any WallClock = SystemClock(), logger: Logger) throws {
        self.options = options
        self.clock = clock
        self.logger = logger
        let config = try ExporterConfig.load(path: options.configFile, mustExist: options.configFileRequired)
        self.config = Mutex(config)
        let access = AccessControl(
            adminToken: try Self.readToken(options.adminTokenFile, flag: "--web.admin-token-file"),
            ingestToken: try Self.readToken(options.ingestTokenFile, flag: "--web.ingest-token-file"))
        registry = AgentRegistry(configuration: Self.registryConfiguration(config, options))
        let store = try FleetStore(directory: options.storagePath)
        registry.restore(try store.loadAgents())
        metrics = ExporterMetrics(startTime: clock.now())
        persistence = FleetPersistence(registry: registry, store: store, metrics: metrics, clock: clock)
        let maintenanceWork = MaintenanceLoop(registry: registry, persistence: persistence, clock: clock, logger: logger)
        maintenance = PeriodicThread(name: "maintenance", intervalSeconds: options.maintenanceIntervalSeconds) {
            maintenanceWork.tick()
        }
        let router = try AlertRouter(
            settings: Self.routerSettings(config, options), registry: registry, store: store, clock: clock, logger: logger)
        self.router = router
        notifications = PeriodicThread(name: "notifications", intervalSeconds: 0.1) { router.tick() }
        let engine = RuleEngine(registry: registry, store: store, clock: clock, logger: logger) { router.receive($0) }
        try Self.installRules(config, options: options, into: engine)
        ruleEvaluation = PeriodicThread(name: "rules", intervalSeconds: 0.1) { engine.tick() }
        let reloader = Reloader(
            options: options, registry: registry, engine: engine, router: router, metrics: metrics, clock: clock,
            logger: logger)
        self.reloader = reloader
        lifecycle = LifecycleAPI(access: access, reload: { reloader.reload() })
        let (host, port) = try options.hostAndPort()
        var serverConfiguration = HTTPServer.Configuration()
        serverConfiguration.host = host
        serverConfiguration.port = port
        serverConfiguration.maxBodyBytes = options.maxBodyBytes
        serverConfiguration.connectionTimeoutSeconds = options.connectionTimeoutSeconds
        serverConfiguration.errorResponse = { APIResponse.error($0, $1) }
        let routes = Routes(
            heartbeats: HeartbeatAPI(registry: registry, decoder: HeartbeatDecoder(), access: access, metrics: metrics, clock: clock),
            agents: AgentsAPI(registry: registry, persistence: persistence, access: access, clock: clock),
            metrics: MetricsEndpoint(
                registry: registry, engine: engine, metrics: metrics, notifications: router.metrics, clock: clock,
                version: Self.version),
            lifecycle: lifecycle,
            rules: RulesAPI(engine: engine),
            alertmanager: AlertmanagerAPI(router: router, access: access, status: Self.statusReporter(options, clock)))
        server = HTTPServer(configuration: serverConfiguration, handler: routes.router())
        logger.info("fleet restored", metadata: [
            "agents": "\(registry.count)", "storage": "\(options.storagePath)", "rule_groups": "\(engine.groups.count)",
        ])
    }

    /// Loads the rule files `config` names and puts them in force.
    /// - Throws: ``RuleFileErrors`` naming file, line, group and rule of every problem.
    static func installRules(_ config: ExporterConfig, options: ExporterOptions, into engine: RuleEngine) throws(RuleFileErrors) {
        let groups = try RuleFileLoader.load(config.ruleFileGlobs, defaultInterval: config.global.evaluationInterval)
        let settings = RuleEvaluationSettings(
            externalLabels: config.global.externalLabels,
            externalURL: config.global.externalURL ?? "http://\(options.listenAddress)")
        engine.install(groups, settings: settings)
    }

    public static func routerSettings(_ config: ExporterConfig, _ options: ExporterOptions) -> AlertRouter.Settings {
        AlertRouter.Settings(
            config: config.alerting, externalURL: config.global.externalURL ?? "http://\(options.listenAddress)",
            externalLabels: config.global.externalLabels)
    }

    /// What `GET /api/v2/status` reports: the configuration file as in force (secrets redacted) and the start time.
    private static func statusReporter(_ options: ExporterOptions, _ clock: any WallClock) -> @Sendable () -> AlertmanagerStatus {
        let startedAt = clock.now()
        return {
            let text = FileManager.default.contents(atPath: options.configFile).map { String(decoding: $0, as: UTF8.self) }
            return AlertmanagerStatus(configOriginal: ConfigRedaction.redact(text ?? ""), startedAt: startedAt,
                                      version: version)
        }
    }

    static func registryConfiguration(_ config: ExporterConfig, _ options: ExporterOptions) -> AgentRegistry.Configuration {
        AgentRegistry.Configuration(
            maxAgents: options.maxAgents, policy: config.health, taskDurationBounds: config.taskDurationBuckets)
    }

    private static func readToken(_ path: String?, flag: String) throws(OptionsError) -> String? {
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OptionsError("\(flag): cannot read \(path)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw OptionsError("\(flag): \(path) is empty") }
        return token
    }

    /// The port the listener is bound to (useful with port 0).
    public var port: UInt16 { server.boundPort }

    /// Starts listening and the maintenance loop; the exporter is ready when this returns.
    public func start() throws {
        try server.start()
        maintenance.start()
        ruleEvaluation.start()
        notifications.start()
        lifecycle.ready.store(true, ordering: .releasing)
        logger.info("listening", metadata: ["address": "\(options.listenAddress)", "port": "\(port)"])
    }

    /// Stops accepting, lets in-flight requests finish, stops the loop and writes every pending change.
    public func shutdown() {
        lifecycle.ready.store(false, ordering: .releasing)
        server.shutdown(gracePeriodSeconds: options.shutdownGraceSeconds)
        ruleEvaluation.stop()
        notifications.stop()
        router.saveRemainingLog()
        maintenance.stop()
        do {
            try persistence.commit()
            logger.info("stopped; fleet saved", metadata: ["agents": "\(registry.count)"])
        } catch {
            logger.error("final save failed", metadata: ["error": "\(error)"])
        }
    }

    /// Re-reads the configuration file, as SIGHUP and `POST /-/reload` do. Returns nil on success.
    public func reload() -> String? {
        reloader.reload()
    }
}

/// Re-reads the configuration file and the rule files and applies them, keeping the old ones when a new one
/// is bad (as Prometheus does: a reload is all or nothing).
struct Reloader: Sendable {
    let options: ExporterOptions
    let registry: AgentRegistry
    let engine: RuleEngine
    let router: AlertRouter
    let metrics: ExporterMetrics
    let clock: any WallClock
    let logger: Logger

    func reload() -> String? {
        do {
            let config = try ExporterConfig.load(path: options.configFile, mustExist: options.configFileRequired)
            try Exporter.installRules(config, options: options, into: engine)
            router.reconfigure(Exporter.routerSettings(config, options))
            registry.reconfigure(Exporter.registryConfiguration(config, options))
            metrics.recordReload(succeeded: true, at: clock.now())
            logger.info("configuration reloaded", metadata: ["file": "\(options.configFile)", "rule_groups": "\(engine.groups.count)"])
            return nil
        } catch {
            metrics.recordReload(succeeded: false, at: clock.now())
            logger.error("configuration reload failed; keeping the previous one", metadata: ["error": "\(error)"])
            return "\(error)"
        }
    }
}
