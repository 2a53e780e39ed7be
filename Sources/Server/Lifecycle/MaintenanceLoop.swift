import Fleet
import Logging
import Model

/// The maintenance work: notice age-based health changes and write fleet changes to SQLite, every
/// `intervalSeconds` (heartbeat state is thus committed well within a second).
struct MaintenanceLoop: Sendable {
    let registry: AgentRegistry
    let persistence: FleetPersistence
    let clock: any WallClock
    let logger: Logger

    /// One round: sweep, then commit. Called by a ``PeriodicThread``, or by tests with a manual clock.
    func tick() {
        registry.sweep(at: clock.now())
        do {
            try persistence.commit()
        } catch {
            logger.error("writing fleet changes failed; will retry", metadata: ["error": "\(error)"])
        }
    }
}
