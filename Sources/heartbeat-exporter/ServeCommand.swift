import Alerting
import ArgumentParser
import CMalloc
import Dispatch
import Foundation
import Logging
import Model
import Server

/// `heartbeat-exporter serve`: runs the exporter until SIGTERM or SIGINT; SIGHUP reloads the configuration.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the exporter (the default command).")

    @Option(
        name: .customLong("web.listen-address"), help: "Address to listen on, host:port (':9747' for all interfaces).")
    var listenAddress = "127.0.0.1:9747"

    @Option(name: .customLong("config.file"), help: "Configuration file; built-in defaults when it does not exist.")
    var configFile: String?

    @Option(name: .customLong("storage.path"), help: "Directory of the SQLite database.")
    var storagePath = "./data"

    @Option(
        name: .customLong("storage.postgres.dsn-file"),
        help: ArgumentHelp(
            "File with a libpq connection string: PostgreSQL is then the storage instead of SQLite.",
            discussion: """
                For example host=db.internal port=5432 dbname=heartbeat user=exporter password=… (or a \
                postgresql:// URI). Without this flag, the environment variable HEARTBEAT_EXPORTER_POSTGRES_DSN \
                may hold the connection string itself.
                """))
    var postgresDSNFile: String?

    @Option(
        name: .customLong("web.external-url"),
        help: ArgumentHelp(
            "URL of the Prometheus that has the same rules; alerts link to its graph page.",
            discussion: "Without it, alerts link to the exporter's /api/v1/rules (at global.external_url when set)."))
    var externalURL: String?

    @Option(name: .customLong("web.max-body-bytes"), help: "Largest request body accepted, in bytes.")
    var maxBodyBytes = 65_536

    @Option(
        name: .customLong("web.admin-token-file"),
        help: "File with the bearer token admin writes need (else loopback only).")
    var adminTokenFile: String?

    @Option(name: .customLong("web.ingest-token-file"), help: "File with the bearer token heartbeats need.")
    var ingestTokenFile: String?

    @Option(
        name: .customLong("web.config.file"),
        help: ArgumentHelp(
            "Web configuration file (exporter-toolkit format): TLS, client certificates, basic auth, headers.",
            discussion: "Re-read when it or the certificate files it names change; a bad file stops the start "
                + "and is refused at a reload (the previous one stays in force)."))
    var webConfigFile: String?

    @Option(
        name: .customLong("web.connection-timeout"),
        help: "Idle or slow connections are closed after this many seconds.")
    var connectionTimeout = 30

    @Option(
        name: .customLong("web.read-timeout"),
        help: ArgumentHelp(
            "How long a request's headers and body may take to arrive, as a duration (10s, 1m); 0s for no limit.",
            discussion: """
                Counted from the connection's opening, or on a kept-alive connection from the previous response \
                plus --web.connection-timeout; a client trickling bytes does not restart it.
                """))
    var readTimeout = "10s"

    @Option(name: .customLong("web.max-connections"), help: "Most connections open at once; more wait to be accepted.")
    var maxConnections = 1024

    @Option(
        name: .customLong("web.max-connections-per-client"),
        help: "Most connections open at once from one client address; more are closed at once. 0: no limit.")
    var maxConnectionsPerClient = 256

    @Option(
        name: .customLong("web.shutdown-grace"),
        help: "How long in-flight requests may take to finish on SIGTERM, as a duration (5s, 1m).")
    var shutdownGrace = "5s"

    @Option(
        name: .customLong("web.allowed-hosts"),
        help: ArgumentHelp(
            "Further host names the exporter answers to (repeat the flag or separate names with commas).",
            discussion: """
                Requests whose Host header names anything else get 403, as a guard against DNS rebinding. \
                Always accepted: IP addresses, localhost, the host of --web.listen-address, \
                of global.external_url (else the machine's host name when listening on every interface) \
                and of --web.external-url.
                """))
    var allowedHosts: [String] = []

    @Option(name: .customLong("agents.max"), help: "Most agents tracked; heartbeats of further agents get 429.")
    var maxAgents = 10_000

    @Option(
        name: .customLong("silences.max-silences"),
        help: "Most silences kept, expired ones included; 0 for no limit.")
    var maxSilences = SilenceLimits.standard.maxSilences

    @Option(
        name: .customLong("silences.max-silence-size-bytes"),
        help: "Largest silence accepted, in bytes of its JSON; 0 for no limit.")
    var maxSilenceSizeBytes = SilenceLimits.standard.maxSilenceSizeBytes

    @Option(name: .customLong("log.level"), help: "debug, info, warning or error.")
    var logLevel = "info"

    func validate() throws {
        guard maxBodyBytes > 0 else { throw ValidationError("--web.max-body-bytes must be above 0") }
        guard maxAgents > 0 else { throw ValidationError("--agents.max must be above 0") }
        guard connectionTimeout > 0 else { throw ValidationError("--web.connection-timeout must be above 0") }
        guard maxConnections > 0 else { throw ValidationError("--web.max-connections must be above 0") }
        guard maxConnectionsPerClient >= 0 else {
            throw ValidationError("--web.max-connections-per-client must be 0 (no limit) or above")
        }
        guard (try? PrometheusDuration(parsing: readTimeout)) != nil else {
            throw ValidationError("--web.read-timeout: not a valid duration string: \"\(readTimeout)\"")
        }
        guard (try? PrometheusDuration(parsing: shutdownGrace)) != nil else {
            throw ValidationError("--web.shutdown-grace: not a valid duration string: \"\(shutdownGrace)\"")
        }
        if let externalURL {
            do { try ExternalURLs.validate(externalURL, flag: "--web.external-url") } catch {
                throw ValidationError("\(error)")
            }
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log.level must be one of debug, info, warning, error")
        }
    }

    var options: ExporterOptions {
        var options = ExporterOptions()
        options.listenAddress = listenAddress
        options.configFile = configFile ?? "heartbeat-exporter.yml"
        options.configFileRequired = configFile != nil
        options.storagePath = storagePath
        options.postgresDSNFile = postgresDSNFile
        options.externalURL = externalURL
        options.maxBodyBytes = maxBodyBytes
        options.adminTokenFile = adminTokenFile
        options.ingestTokenFile = ingestTokenFile
        options.webConfigFile = webConfigFile
        options.connectionTimeoutSeconds = connectionTimeout
        options.readTimeout = (try? PrometheusDuration(parsing: readTimeout)) ?? options.readTimeout
        options.maxConnections = maxConnections
        options.maxConnectionsPerClient = maxConnectionsPerClient
        options.maxAgents = maxAgents
        options.allowedHosts = allowedHosts.flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        options.silenceLimits = SilenceLimits(maxSilences: maxSilences, maxSilenceSizeBytes: maxSilenceSizeBytes)
        options.shutdownGrace = (try? PrometheusDuration(parsing: shutdownGrace)) ?? options.shutdownGrace
        return options
    }

    func run() throws {
        MemoryTuning.apply()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { _ in LogfmtLogHandler(level: level) }
        let logger = Logger(label: "heartbeat-exporter")
        let files = OpenFileLimit.raise(toFit: maxConnections)
        if !files.fits {
            logger.warning(
                "open file limit below --web.max-connections",
                metadata: ["limit": "\(files.limit)", "max_connections": "\(maxConnections)"])
        }
        let exporter: Exporter
        do {
            exporter = try Exporter(options: options, logger: logger)
            try exporter.start()
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        SignalWaiter.waitForTermination(onReload: { _ = exporter.reload() })
        logger.info("shutting down")
        exporter.shutdown()
    }
}

/// Blocks until SIGTERM or SIGINT; calls `onReload` on every SIGHUP meanwhile.
enum SignalWaiter {
    static func waitForTermination(onReload: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "signals")
        let done = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                if signalNumber == SIGHUP { onReload() } else { done.signal() }
            }
            source.resume()
            sources.append(source)
        }
        done.wait()
        sources.forEach { $0.cancel() }
    }
}

/// Keeps memory flat under repeated large scrapes.
enum MemoryTuning {
    /// glibc raises its mmap threshold each time a large block is freed, after which the ~25 MB buffers of a big
    /// `/metrics` render come from the heap and fragment it: RSS grows by steps to several times the fleet's
    /// size. A fixed threshold keeps large buffers in mmap, returned to the system when freed.
    static func apply() {
        #if canImport(Glibc)
            _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
        #endif
    }
}
