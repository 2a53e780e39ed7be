import Alerting
import HTTP
import Model

/// Everything `serve` takes from its command line (DESIGN §11).
public struct ExporterOptions: Sendable {
    /// `--web.listen-address`: `host:port`; `:9747` listens on every interface.
    public var listenAddress = "127.0.0.1:9747"
    /// `--config.file`.
    public var configFile = "heartbeat-exporter.yml"
    /// Whether `configFile` was given explicitly (then it must exist).
    public var configFileRequired = false
    /// `--storage.path`: the directory of the SQLite database.
    public var storagePath = "./data"
    /// `--storage.postgres.dsn-file`: a file holding a libpq connection string; PostgreSQL is then the storage instead
    /// of SQLite. Without it, `HEARTBEAT_EXPORTER_POSTGRES_DSN` may hold the connection string itself.
    public var postgresDSNFile: String?
    /// `--web.external-url`: the Prometheus that has the same rules, which alerts link to (see ``ExternalURLs``).
    public var externalURL: String?
    /// `--web.max-body-bytes`.
    public var maxBodyBytes = 65_536
    /// `--web.admin-token-file`.
    public var adminTokenFile: String?
    /// `--web.ingest-token-file`.
    public var ingestTokenFile: String?
    /// `--web.allowed-hosts`: further names the exporter answers to in `Host` (see `AllowedHosts`).
    public var allowedHosts: [String] = []
    /// `--silences.max-silences` and `--silences.max-silence-size-bytes`.
    public var silenceLimits = SilenceLimits.standard
    /// `--web.config.file`: TLS, basic auth and response headers in exporter-toolkit's format (``WebConfig``).
    public var webConfigFile: String?
    /// `--agents.max`.
    public var maxAgents = 10_000
    /// `--web.connection-timeout`, in seconds.
    public var connectionTimeoutSeconds = 30
    /// `--web.read-timeout`: how long a request's headers and body may take to arrive; zero for no limit.
    public var readTimeout = PrometheusDuration.seconds(10)
    /// `--web.max-connections`: the most connections open at once.
    public var maxConnections = 1024
    /// `--web.max-connections-per-client`: the most connections open at once from one address; 0 for no limit.
    public var maxConnectionsPerClient = 256
    /// `--web.shutdown-grace`: how long in-flight requests may take to finish on SIGTERM.
    public var shutdownGrace = PrometheusDuration.seconds(5)
    /// How often age-based health changes are noticed and changes are written to SQLite, in seconds.
    public var maintenanceIntervalSeconds = 0.5

    public init() {}

    /// Splits `listenAddress` into host and port: `:9747` → ("0.0.0.0", 9747), `[::1]:80` → ("::1", 80).
    public func hostAndPort() throws(OptionsError) -> (host: String, port: UInt16) {
        guard let colon = listenAddress.lastIndex(of: ":"),
            let port = UInt16(listenAddress[listenAddress.index(after: colon)...])
        else {
            throw OptionsError("--web.listen-address: expected host:port, got \"\(listenAddress)\"")
        }
        var host = String(listenAddress[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

/// A command-line option with a bad value.
public struct OptionsError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
