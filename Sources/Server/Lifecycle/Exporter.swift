import AlertPipeline
import Alerting
import Fleet
import Foundation
import HTTP
import Logging
import Model
import Recovery
import RuleManager
import Rules
import Storage
import Synchronization
import YAMLConfig

/// The running exporter: the agent registry, the rule manager and the alert pipeline, their storage, the HTTP
/// API and the three background threads that drive them (maintenance, rule evaluation, notifications).
///
/// It is assembled from ``ExporterParts`` (clock, storage, outgoing transport). `start()` starts listening and
/// the threads; `shutdown()` stops accepting, lets in-flight requests finish, stops the threads and writes every
/// change before it returns. Without `start()`, tests drive it by hand: ``handle(_:)`` answers a request as
/// the listener would, and ``runMaintenance()``, ``evaluateRules()`` and ``routeAlerts()`` run one round of
/// each thread's work at the injected clock's time.
public final class Exporter: Sendable {
    /// The version reported by `heartbeat_exporter_build_info` and `--version`.
    public static let version = "0.1.0"
    /// `versionInfo.version` of `/api/v2/status`: says what answers, since `amtool` prints it when it warns that
    /// its own version differs (it compares major.minor, and the exporter is not an Alertmanager release).
    public static let alertmanagerAPIVersion = "heartbeat-exporter \(version)"

    private let options: ExporterOptions
    private let clock: any WallClock
    private let logger: Logger
    let registry: AgentRegistry
    private let persistence: FleetPersistence
    /// Agents' activity buckets and uptime, written behind by the maintenance thread.
    let activity: FleetActivity
    private let maintenanceWork: MaintenanceLoop
    let recovery: LadderRunner
    private let engine: RuleEngine
    let router: AlertRouter
    private let lifecycle: LifecycleAPI
    private let routes: RequestGuard
    private let server: HTTPServer
    /// Basic auth and response headers of `--web.config.file` in front of `routes`.
    private let webGuard: WebGuard
    /// Re-reads `--web.config.file` when it or its TLS files change; nil without the flag.
    private let webConfig: WebConfigWatcher?
    private let threads: [PeriodicThread]
    private let reloader: Reloader
    /// This node's place among exporters sharing a PostgreSQL (issue 20); a cluster of one on SQLite.
    private let cluster: ExporterCluster

    /// Loads the configuration and the stored fleet from `parts.storage`, and prepares the listener (not yet
    /// started).
    /// - Throws: ``ConfigError``, ``RuleFileErrors``, ``StorageError`` or ``OptionsError`` saying what is wrong.
    public init(options: ExporterOptions, parts: ExporterParts) throws {
        self.options = options
        clock = parts.clock
        logger = parts.logger
        let config = try ExporterConfig.load(path: options.configFile, mustExist: options.configFileRequired)
        if let url = options.externalURL { try ExternalURLs.validate(url, flag: "--web.external-url") }
        let access = AccessControl(
            adminToken: try Self.readToken(options.adminTokenFile, flag: "--web.admin-token-file"),
            ingestToken: try Self.readToken(options.ingestTokenFile, flag: "--web.ingest-token-file"))
        registry = AgentRegistry(configuration: Self.registryConfiguration(config, options))
        let start = parts.clock.now()
        let stored = try parts.storage.loadAgents()
        registry.restore(stored, at: Self.watchResumes(parts.storage, options: options, at: start))
        registry.placeExpectedAgents(config.expectedFleet.agents, at: start)
        try DependenciesSection.refuseCycles(config, fleet: registry)
        let expectedAgents = ExpectedAgentsMetric(config.expectedFleet)
        persistence = FleetPersistence(registry: registry, store: parts.storage, clock: clock)
        persistence.historyRetention = config.activityRetention
        activity = FleetActivity(
            registry: registry, store: parts.storage, transitions: parts.storage, clock: clock,
            retention: config.activityRetention, storeIsShared: parts.storage is PostgresStorage)
        try activity.restoreFleetPoints()
        let history = try AlertHistory(
            store: parts.storage, clock: clock, logger: logger, retention: config.historyRetention)
        let router = try AlertRouter(
            settings: Self.routerSettings(config, options), registry: registry, store: parts.storage, clock: clock,
            logger: logger, transport: parts.transport, retryDelay: parts.retryDelay,
            silenceLimits: options.silenceLimits, history: history)
        self.router = router
        let recovery = LadderRunner(
            registry: registry, holds: router, store: parts.storage,
            executor: parts.recoverySteps
                ?? LiveStepExecutor(transport: parts.transport, clock: clock, retryDelay: parts.retryDelay),
            clock: clock, logger: logger, searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        recovery.configure(config.recoveryLadders)
        try recovery.restore()
        self.recovery = recovery
        let rejections = HeartbeatRejections()
        let engine = RuleEngine(
            registry: registry, store: parts.storage, clock: clock, logger: logger,
            exporterSeries: [rejections, expectedAgents],
            historyStore: FleetFirstHistoryStorage(history: parts.storage, persistence: persistence),
            notify: { router.receive($0, refreshed: $1) },
            observe: { history.observe($0.map(RuleAlertObservation.init)) })
        self.engine = engine
        try Self.installRules(config, options: options, into: engine)
        let cluster = Self.cluster(
            parts, options: options,
            ClusterParts(
                registry: registry, persistence: persistence, engine: engine, router: router, recovery: recovery),
            logger: logger)
        self.cluster = cluster
        // Only the cluster's leader moves recovery ladders on; a single node always leads.
        maintenanceWork = MaintenanceLoop(
            registry: registry, persistence: persistence, recovery: recovery, rules: engine, history: history,
            activity: activity, clock: clock, logger: logger, leads: { cluster.leads })
        // The engine keeps this hook: it holds neither the engine nor what holds it (the coordinator, weakly).
        engine.beforeSamplingTheFleet { [registry, recovery, weak coordinator = cluster.coordinator] now in
            MaintenanceLoop.noticeChanges(
                at: now, registry: registry, recovery: recovery, leading: coordinator?.isLeader ?? true)
        }
        let reloads = ReloadStatus(startTime: clock.now())
        let hosts = AllowedHosts(config: config, options: options)
        let inForce = ConfigInForce(config)
        let reloader = Reloader(
            options: options, registry: registry, engine: engine, router: router, recovery: recovery,
            activity: activity, persistence: persistence,
            hosts: hosts,
            config: inForce, expectedAgents: expectedAgents,
            reloads: reloads, clock: clock, logger: logger)
        self.reloader = reloader
        lifecycle = LifecycleAPI(access: access, reload: { reloader.reload() })
        let heartbeats = HeartbeatCounters()
        let webConfig = try options.webConfigFile.map { [clock, logger] (path) throws(ConfigError) in
            try WebConfigWatcher(path: path, clock: clock, logger: logger)
        }
        self.webConfig = webConfig
        let selfMetrics = SelfMetrics(
            rules: engine, notifications: router.metrics, alerts: FiringAlertMetrics(router: router),
            version: Self.version, reloads: reloads, heartbeats: heartbeats, rejections: rejections,
            registry: registry, storage: persistence.metrics, recovery: recovery.metrics,
            expectedAgents: expectedAgents, webConfigReloads: webConfig?.status,
            cluster: ClusterMetrics(source: cluster.status, clock: clock))
        let heartbeatAPI = HeartbeatAPI(
            registry: registry, decoder: HeartbeatDecoder(), access: access, metrics: heartbeats,
            rejections: rejections, clock: clock)
        let routes = Routes(
            heartbeats: heartbeatAPI,
            agents: AgentsAPI(
                registry: registry, persistence: persistence, recovery: recovery, access: access, clock: clock,
                announce: { [router] in router.announce($0) },
                resumed: { [router] in router.renotifyResumed(agent: $0) }),
            metrics: MetricsEndpoint(registry: registry, selfMetrics: selfMetrics, clock: clock),
            lifecycle: lifecycle,
            rules: RulesAPI(engine: engine),
            alertmanager: AlertmanagerAPI(
                router: router, access: access, status: Self.statusReporter(inForce, clock), clock: clock,
                logger: logger),
            rejections: RejectionsAPI(rejections: rejections, clock: clock),
            acknowledgements: AcknowledgementsAPI(router: router, access: access, logger: logger),
            alertHistory: AlertHistoryAPI(history: history, clock: clock),
            activity: ActivityAPI(registry: registry, activity: activity, clock: clock),
            query: QueryAPI(engine: engine, clock: clock),
            series: SeriesAPI(engine: engine, clock: clock),
            cluster: ClusterAPI(source: cluster.status, clock: clock)
        ).router()
        self.routes = RequestGuard(hosts: hosts, next: routes)
        webGuard = WebGuard(inner: self.routes) { request in
            heartbeatAPI.noteRefusedBeforeReading(
                request, status: 401, message: "basic auth: missing or wrong credentials")
        }
        var serverConfiguration = try Self.serverConfiguration(options)
        serverConfiguration.tls = webConfig?.initialTLS
        serverConfiguration.log = { [logger] message in logger.warning("libmicrohttpd: \(message)") }
        server = HTTPServer(configuration: serverConfiguration, handler: webGuard)
        webConfig?.attach(server: server, guardHandler: webGuard)
        let maintenanceWork = maintenanceWork
        threads =
            (webConfig.map { watcher in
                [PeriodicThread(name: "web-config", intervalSeconds: 1) { watcher.check() }]
            } ?? []) + [
                PeriodicThread(
                    name: "maintenance", intervalSeconds: options.maintenanceIntervalSeconds, background: true
                ) {
                    maintenanceWork.tick()
                },
                // Only the cluster's leader evaluates and notifies; a single node always leads.
                PeriodicThread(name: "rules", intervalSeconds: 0.1, background: true) {
                    if cluster.leads { engine.tick() }
                },
                PeriodicThread(name: "notifications", intervalSeconds: 0.1) { if cluster.leads { router.tick() } },
            ] + cluster.threads
        logger.info(
            "fleet restored",
            metadata: [
                "agents": "\(registry.count)",
                "storage": "\((parts.storage as? PostgresStorage)?.location ?? options.storagePath)",
                "rule_groups": "\(engine.groups.count)",
            ])
    }

    /// Loads the configuration and the fleet stored under `--storage.path` (SQLite), with the system clock.
    /// - Throws: ``ConfigError``, ``RuleFileErrors``, ``StorageError`` or ``OptionsError`` saying what is wrong.
    public convenience init(options: ExporterOptions, logger: Logger) throws {
        try self.init(options: options, parts: try .standard(options: options, logger: logger))
    }

    private static func serverConfiguration(_ options: ExporterOptions) throws(OptionsError) -> HTTPServer.Configuration
    {
        let (host, port) = try options.hostAndPort()
        var configuration = HTTPServer.Configuration()
        configuration.host = host
        configuration.port = port
        configuration.maxBodyBytes = options.maxBodyBytes
        configuration.connectionTimeoutSeconds = options.connectionTimeoutSeconds
        configuration.readTimeout = options.readTimeout.swiftDuration
        configuration.connectionLimit = options.maxConnections
        configuration.connectionLimitPerClient = options.maxConnectionsPerClient
        configuration.errorResponse = { APIResponse.error($0, $1) }
        configuration.handledApart = Self.isLongRead
        // Renders yield the CPU to the heartbeats (named for `top -H`).
        configuration.apartThreadSetup = {
            ThreadName.setCurrent("http-apart")
            BackgroundWork.lowerCurrentThread()
        }
        return configuration
    }

    /// The reads whose answer grows with the fleet (a `/metrics` of 20,000 agents is 40 MB), and PromQL queries
    /// (which may run for up to their timeout): handled apart from the HTTP worker threads, so that the heartbeats
    /// sharing a worker thread with a scrape or a query are not held up.
    public static func isLongRead(_ request: HTTPRequest) -> Bool {
        switch request.method {
        case "GET", "HEAD":
            request.path == "/metrics" || request.path == "/api/v1/agents" || isQuery(request.path)
                || request.path.hasPrefix("/api/v1/label/")
        case "POST": isQuery(request.path)
        default: false
        }
    }

    private static func isQuery(_ path: String) -> Bool {
        RequestGuard.readOnlyPosts.contains(path)
    }

    /// Loads the rule files `config` names and puts them in force.
    /// - Throws: ``RuleFileErrors`` naming file, line, group and rule of every problem.
    static func installRules(_ config: ExporterConfig, options: ExporterOptions, into engine: RuleEngine)
        throws(RuleFileErrors)
    {
        let groups = try RuleFileLoader.load(config.ruleFileGlobs, defaultInterval: config.global.evaluationInterval)
        let urls = ExternalURLs(config: config, options: options)
        let settings = RuleEvaluationSettings(
            externalLabels: config.global.externalLabels, externalURL: urls.templateURL,
            defaultSubqueryStep: config.global.evaluationInterval)
        engine.install(
            groups, settings: settings, generatorLink: urls.generatorLink,
            checkpointInterval: config.global.ruleHistoryCheckpointInterval)
    }

    public static func routerSettings(_ config: ExporterConfig, _ options: ExporterOptions) -> AlertRouter.Settings {
        AlertRouter.Settings(
            config: config.alerting, externalURL: ExternalURLs(config: config, options: options).exporter,
            externalLabels: config.global.externalLabels, notices: config.notices)
    }

    /// What `GET /api/v2/status` reports: the configuration in force (secrets shown as `<secret>`) and the start
    /// time.
    private static func statusReporter(_ config: ConfigInForce, _ clock: any WallClock)
        -> @Sendable () -> AlertmanagerStatus
    {
        let startedAt = clock.now()
        return {
            AlertmanagerStatus(
                configOriginal: ConfigRendering.yaml(config.current), startedAt: startedAt,
                version: alertmanagerAPIVersion)
        }
    }

    static func registryConfiguration(_ config: ExporterConfig, _ options: ExporterOptions)
        -> AgentRegistry.Configuration
    {
        AgentRegistry.Configuration(
            maxAgents: options.maxAgents, policy: config.health, taskDurationBounds: config.taskDurationBuckets,
            exposition: config.exposition, dependencyRules: config.dependencies)
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

    /// Starts listening and the maintenance, rule and notification threads; the exporter is ready when this
    /// returns.
    public func start() throws {
        try server.start()
        cluster.identity.listening(on: port)
        for thread in threads { thread.start() }
        lifecycle.ready.store(true, ordering: .releasing)
        if let webConfig {
            logger.info(
                webConfig.initialTLS == nil ? "TLS is disabled" : "TLS is enabled",
                metadata: ["web_config": "\(webConfig.path)", "basic_auth": "\(webConfig.hasUsers)"])
        }
        logger.info(
            "listening",
            metadata: [
                "address": "\(options.listenAddress)", "port": "\(port)",
                "host_names": "\(routes.hosts.names.joined(separator: ","))",
            ])
    }

    /// Stops accepting, lets in-flight requests finish, stops the loop and writes every pending change.
    public func shutdown() {
        lifecycle.ready.store(false, ordering: .releasing)
        engine.abandonHistoryRestore()
        server.shutdown(gracePeriodSeconds: options.shutdownGrace.seconds)
        for thread in threads { thread.stop() }
        cluster.coordinator?.resign()
        if let saved = engine.saveHistory() {
            logger.info(
                "rule history saved",
                metadata: ["bytes": "\(saved.bytes)", "milliseconds": "\(Int(saved.seconds * 1000))"])
        }
        router.saveRemainingLog()
        router.history?.flush()
        do {
            try persistence.commit()
            logger.info("stopped; fleet saved", metadata: ["agents": "\(registry.count)"])
            for failure in activity.flush(includeOpen: true) {
                logger.error("final save of agent activity failed", metadata: ["error": "\(failure)"])
            }
        } catch {
            logger.error("final save failed", metadata: ["error": "\(error)"])
        }
    }

    /// Re-reads the configuration file, as SIGHUP and `POST /-/reload` do. Returns nil on success.
    public func reload() -> String? {
        reloader.reload()
    }

    /// The `--web.config.file` in force; nil without one.
    public var webConfigPath: String? { webConfig?.path }

    /// Re-reads `--web.config.file` when it or a TLS file it names changed, as its thread does every second.
    /// Returns the error of a refused reload (the previous configuration stays in force), else nil.
    @discardableResult
    public func checkWebConfig() -> String? {
        webConfig?.check()
    }

    /// Runs `body` as if a basic-auth password check were running (for tests of what requests get meanwhile).
    func whileBcryptRuns<R>(_ body: () -> R) -> R {
        webGuard.whileBcryptRuns(body)
    }

    /// Answers `request` as the listener would, without a socket.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        webGuard.handle(request)
    }

    /// One round of the maintenance thread's work: age-based health changes, then fleet changes written.
    public func runMaintenance() {
        maintenanceWork.tick()
    }

    /// One round of the rule thread's work: every rule group due at the clock's time is evaluated.
    public func evaluateRules() {
        engine.tick()
    }

    /// One round of the notification thread's work: delivery outcomes applied, due groups flushed to their
    /// receivers, the notification log written.
    public func routeAlerts() {
        router.tick()
    }

    /// Returns when every recovery step started has finished and its result is recorded.
    public func recoveryStepsSettled() async {
        await recovery.stepsSettled()
    }

    /// Returns when every notification handed to delivery has finished; ``routeAlerts()`` then applies the
    /// outcomes.
    public func deliveriesSettled() async {
        await router.deliveriesSettled()
    }
}

/// Re-reads the configuration file and the rule files and applies them, keeping the old ones when a new one
/// is bad (as Prometheus does: a reload is all or nothing).
struct Reloader: Sendable {
    let options: ExporterOptions
    let registry: AgentRegistry
    let engine: RuleEngine
    let router: AlertRouter
    let recovery: LadderRunner
    let activity: FleetActivity
    let persistence: FleetPersistence
    let hosts: AllowedHosts
    let config: ConfigInForce
    let expectedAgents: ExpectedAgentsMetric
    let reloads: ReloadStatus
    let clock: any WallClock
    let logger: Logger

    func reload() -> String? {
        do {
            let config = try ExporterConfig.load(path: options.configFile, mustExist: options.configFileRequired)
            try DependenciesSection.refuseCycles(config, fleet: registry)
            try Exporter.installRules(config, options: options, into: engine)
            router.reconfigure(Exporter.routerSettings(config, options))
            router.history?.retention = config.historyRetention
            activity.retention = config.activityRetention
            persistence.historyRetention = config.activityRetention
            registry.reconfigure(Exporter.registryConfiguration(config, options))
            registry.placeExpectedAgents(config.expectedFleet.agents, at: clock.now())
            expectedAgents.update(config.expectedFleet)
            recovery.configure(config.recoveryLadders)
            hosts.update(config: config, options: options)
            self.config.replace(with: config)
            reloads.record(succeeded: true, at: clock.now())
            logger.info(
                "configuration reloaded",
                metadata: ["file": "\(options.configFile)", "rule_groups": "\(engine.groups.count)"])
            return nil
        } catch {
            reloads.record(succeeded: false, at: clock.now())
            logger.error("configuration reload failed; keeping the previous one", metadata: ["error": "\(error)"])
            return "\(error)"
        }
    }
}
