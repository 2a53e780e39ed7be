import AlertPipeline
import Alerting
import Fleet
import Logging
import Model
import RuleManager
import Storage

/// Every storage protocol the exporter's parts define, in one value: what a storage backend implements.
public typealias ExporterStorage = AgentStorage & AlertStateStorage & RuleHistoryStorage & SilenceStorage
    & NotificationLogStorage

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

    /// Creates the parts; by default notifications go out through `URLSession` and retries wait in real time.
    public init(
        clock: any WallClock, logger: Logger, storage: any ExporterStorage,
        transport: any HTTPTransport = URLSessionTransport(),
        retryDelay: @escaping @Sendable (PrometheusDuration) async -> Void = DeliveryQueue.realSleep
    ) {
        self.clock = clock
        self.logger = logger
        self.storage = storage
        self.transport = transport
        self.retryDelay = retryDelay
    }

    /// The parts of a running exporter: the system clock and SQLite under `--storage.path`.
    /// - Throws: ``StorageError`` when the database cannot be opened.
    public static func standard(options: ExporterOptions, logger: Logger) throws(StorageError) -> ExporterParts {
        ExporterParts(clock: SystemClock(), logger: logger, storage: try SQLiteStorage(directory: options.storagePath))
    }
}
