import Synchronization

/// The configuration the exporter runs with: the one loaded at start, replaced by each successful reload (a
/// failed reload keeps it). `GET /api/v2/status` shows it.
final class ConfigInForce: Sendable {
    /// Protects the configuration, replaced whole.
    private let config: Mutex<ExporterConfig>

    init(_ config: ExporterConfig) {
        self.config = Mutex(config)
    }

    /// The configuration now in force.
    var current: ExporterConfig { config.withLock { $0 } }

    /// Puts a reloaded configuration in force.
    func replace(with fresh: ExporterConfig) {
        config.withLock { $0 = fresh }
    }
}
