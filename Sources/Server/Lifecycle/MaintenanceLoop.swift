import Fleet
import Foundation
import Logging
import Series
import Synchronization

/// The background thread that notices age-based health changes and writes fleet changes to SQLite, every
/// `intervalSeconds` (heartbeat state is thus committed well within a second).
final class MaintenanceLoop: Sendable {
    private let registry: AgentRegistry
    private let persistence: FleetPersistence
    private let clock: any WallClock
    private let logger: Logger
    private let intervalSeconds: Double
    /// Set to ask the thread to finish; the thread clears `running` when it has.
    private let stopRequested = Atomic<Bool>(false)
    private let running = Atomic<Bool>(false)

    init(registry: AgentRegistry, persistence: FleetPersistence, clock: any WallClock, logger: Logger,
         intervalSeconds: Double) {
        self.registry = registry
        self.persistence = persistence
        self.clock = clock
        self.logger = logger
        self.intervalSeconds = intervalSeconds
    }

    /// One round: sweep, then commit. Safe to call from tests with a manual clock.
    func tick() {
        registry.sweep(at: clock.now())
        do {
            try persistence.commit()
        } catch {
            logger.error("writing fleet changes failed; will retry", metadata: ["error": "\(error)"])
        }
    }

    func start() {
        running.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            while !stopRequested.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: intervalSeconds)
                tick()
            }
            running.store(false, ordering: .releasing)
        }
        thread.name = "maintenance"
        thread.start()
    }

    /// Asks the loop to stop and waits until its current round is done.
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        while running.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.01) }
    }
}
