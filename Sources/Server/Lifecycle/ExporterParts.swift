import AlertPipeline
import Alerting
import Fleet
import Foundation
import Logging
import Model
import Recovery
import RuleManager
import Storage

/// Every storage protocol the exporter's parts define, in one value: what a storage backend implements.
public typealias ExporterStorage = AgentStorage & AlertStateStorage & RuleHistoryStorage & SilenceStorage
    & NotificationLogStorage & RecoveryStorage & AcknowledgementStorage & AlertHistoryStorage & ActivityStorage
    & NoticeStorage

/// What an ``Exporter`` is assembled from besides its options and configuration file: the parts that touch
/// the outside world, which tests replace (a manual clock, in-memory storage, a recording transport).
public struct ExporterParts: Sendable {
    /// The source of "now" for health, rule evaluation, alert timers and silences.
    public var clock: any WallClock
    /// Where the exporter logs.
    public var logger: Logger
    /// Where agents, alert state, the rules' sample history, silences and the notification log are kept.
    public var storage: any ExporterStorage
    /// Sends webhook notifications and forwards alerts to Alertmanagers.
    public var transport: any HTTPTransport
    /// Waits between notification retries.
    public var retryDelay: @Sendable (PrometheusDuration) async -> Void
    /// Carries out recovery ladder steps; nil: commands through posix_spawn and webhooks through `transport`.
    public var recoverySteps: (any RecoveryStepExecutor)?

    /// Creates the parts; by default notifications go out through `URLSession` and retries wait in real time.
    public init(
        clock: any WallClock, logger: Logger, storage: any ExporterStorage,
        transport: any HTTPTransport = URLSessionTransport(),
        retryDelay: @escaping @Sendable (PrometheusDuration) async -> Void = DeliveryQueue.realSleep,
        recoverySteps: (any RecoveryStepExecutor)? = nil
    ) {
        self.clock = clock
        self.logger = logger
        self.storage = storage
        self.transport = transport
        self.retryDelay = retryDelay
        self.recoverySteps = recoverySteps
    }

    /// The parts of a running exporter: the system clock, and PostgreSQL when `--storage.postgres.dsn-file` or
    /// `HEARTBEAT_EXPORTER_POSTGRES_DSN` gives a connection string, else SQLite under `--storage.path`.
    /// - Throws: ``StorageError`` when the connection string cannot be read or the database cannot be opened.
    public static func standard(options: ExporterOptions, logger: Logger) throws(StorageError) -> ExporterParts {
        let environment = ProcessInfo.processInfo.environment
        guard
            let connectionString = try PostgresConnectionString.resolve(
                file: options.postgresDSNFile, environment: environment)
        else {
            return ExporterParts(
                clock: SystemClock(), logger: logger, storage: try SQLiteStorage(directory: options.storagePath))
        }
        let storage = try PostgresStorage(connectionString: connectionString)
        logger.info("storage on PostgreSQL", metadata: ["location": "\(storage.location)"])
        return ExporterParts(clock: SystemClock(), logger: logger, storage: storage)
    }
}

/// The alert router holds a recovering agent's alerts for the ladder runner.
extension AlertRouter: AlertHolding {}
