import Fleet
import Model
import Storage
import Synchronization

/// Moves the registry's changes into SQLite: in batches from the maintenance loop, and at once for operator
/// actions, which must be committed before they are acknowledged.
///
/// Each commit drains the registry and writes under one lock, so commits are ordered and storage always
/// ends with the newest state of each agent. A batch that fails to write is kept and retried with the next.
final class FleetPersistence: Sendable {
    private let registry: AgentRegistry
    private let store: FleetStore
    private let metrics: ExporterMetrics
    private let clock: any WallClock
    /// Serialises drain-and-write; holds changes whose write failed, to retry with the next commit.
    private let unsaved = Mutex<FleetChanges>(FleetChanges())

    init(registry: AgentRegistry, store: FleetStore, metrics: ExporterMetrics, clock: any WallClock) {
        self.registry = registry
        self.store = store
        self.metrics = metrics
        self.clock = clock
    }

    /// Writes every change made so far. Returns when they are committed.
    /// - Throws: ``StorageError`` when SQLite refuses the write; the changes are kept for the next commit.
    func commit() throws(StorageError) {
        try unsaved.withLock { (pending: inout FleetChanges) throws(StorageError) in
            let started = clock.now()
            var changes = pending
            changes.merge(registry.drainChanges())
            do throws(StorageError) {
                try store.apply(changes)
                pending = FleetChanges()
                metrics.recordFlush(succeeded: true, duration: clock.now() - started)
            } catch {
                pending = changes
                metrics.recordFlush(succeeded: false, duration: clock.now() - started)
                throw error
            }
        }
    }
}

extension FleetChanges {
    /// Adds `newer` changes after these: later deletions and upserts supersede earlier ones.
    mutating func merge(_ newer: FleetChanges) {
        guard !isEmpty else {
            self = newer
            return
        }
        let newerNames = Set(newer.upserts.map(\.name)).union(newer.deletions)
        let deleted = Set(newer.deletions)
        upserts.removeAll { newerNames.contains($0.name) }
        transitions.removeAll { deleted.contains($0.agent) }
        deletions += newer.deletions
        upserts += newer.upserts
        transitions += newer.transitions
    }
}
