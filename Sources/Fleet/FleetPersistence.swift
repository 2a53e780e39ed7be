import Exposition
import Model
import Synchronization

/// Moves the registry's changes into its ``AgentStorage``: in batches from the maintenance loop, and at once
/// for operator actions, which must be committed before they are acknowledged.
///
/// Each commit drains the registry and writes under one lock, so commits are ordered and storage always
/// ends with the newest state of each agent. A batch that fails to write is kept and retried with the next.
public final class FleetPersistence: Sendable {
    private let registry: AgentRegistry
    private let store: any AgentStorage
    private let clock: any WallClock
    /// Serialises drain-and-write; holds changes whose write failed, to retry with the next commit.
    private let unsaved = Mutex<FleetChanges>(FleetChanges())
    /// Counts and times the writes, for `heartbeat_exporter_storage_*`.
    public let metrics = StorageFlushMetrics()
    /// How long every transition is kept (``FleetChanges/historyKeptSince``); nil: the newest ones only.
    private let keptHistory = Mutex<PrometheusDuration?>(nil)
    /// How many counted beats (``BeatReceipt``) are kept while the storage cannot be written: about a minute of a busy
    /// fleet. Beyond, the newest are dropped from the write (still counted in memory) and counted in
    /// `heartbeat_exporter_storage_dropped_beats_total`.
    public static let maxBufferedReceipts = 1_000_000

    /// Creates the persistence of `registry` into `store`.
    public init(registry: AgentRegistry, store: any AgentStorage, clock: any WallClock) {
        self.registry = registry
        self.store = store
        self.clock = clock
    }

    /// How long storage keeps every transition, whatever their number (`history.activity_retention`: uptime over
    /// that span reads them); older ones beyond an agent's newest ``FleetChanges/storedHistoryLimit`` are pruned. A
    /// reload may change it.
    public var historyRetention: PrometheusDuration? {
        get { keptHistory.withLock { $0 } }
        set { keptHistory.withLock { $0 = newValue } }
    }

    /// Runs `body` while no commit drains or writes, so that what storage holds and what the registry has yet to
    /// write are seen together (a node merging the other nodes' writes, issue 20).
    public func holdingCommits<T: Sendable>(_ body: () throws(StorageError) -> T) throws(StorageError) -> T {
        try unsaved.withLock { (_) throws(StorageError) -> T in try body() }
    }

    /// Writes every change made so far. Returns when they are committed.
    /// - Parameter checking: when there is nothing to write, still check that the storage can be written (before an
    ///   operator's write, which must not be applied here when it cannot be stored).
    /// - Throws: ``StorageError`` when the storage refuses the write; the changes are kept for the next commit.
    public func commit(checking: Bool = false) throws(StorageError) {
        try unsaved.withLock { (pending: inout FleetChanges) throws(StorageError) in
            let started = clock.now()
            var changes = pending
            changes.merge(registry.drainChanges())
            if checking, changes.isEmpty {
                try store.checkWritable()
                return
            }
            changes.historyKeptSince = historyRetention.map { started - $0 }
            do throws(StorageError) {
                try store.apply(changes)
                pending = FleetChanges()
                metrics.record(succeeded: true, duration: clock.now() - started)
            } catch {
                // Kept for the next commit, within bounds: the oldest beats stay, the newest beyond are counted lost.
                let excess = changes.receipts.count - Self.maxBufferedReceipts
                if excess > 0 {
                    changes.receipts.removeLast(excess)
                    metrics.dropped.wrappingAdd(UInt64(excess), ordering: .relaxed)
                }
                pending = changes
                metrics.record(succeeded: false, duration: clock.now() - started)
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
        receipts.removeAll { deleted.contains($0.agent) }
        controlled.subtract(deleted)
        deletions += newer.deletions
        upserts += newer.upserts
        transitions += newer.transitions
        receipts += newer.receipts
        controlled.formUnion(newer.controlled)
    }
}

/// `heartbeat_exporter_storage_flushes_total{result}` and `heartbeat_exporter_storage_last_flush_duration_seconds`.
public final class StorageFlushMetrics: MetricsSource {
    private let succeeded = Atomic<UInt64>(0)
    private let failed = Atomic<UInt64>(0)
    /// The last flush's duration, as bit pattern of a Double.
    private let lastSeconds = Atomic<UInt64>(0)
    /// Counted beats dropped from a write that could not be made (``FleetPersistence/maxBufferedReceipts``).
    let dropped = Atomic<UInt64>(0)

    func record(succeeded flushed: Bool, duration: PrometheusDuration) {
        if flushed {
            succeeded.wrappingAdd(1, ordering: .relaxed)
        } else {
            failed.wrappingAdd(1, ordering: .relaxed)
        }
        lastSeconds.store(duration.seconds.bitPattern, ordering: .relaxed)
    }

    public func write(into writer: inout ExpositionWriter) {
        writer.family(
            "heartbeat_exporter_storage_flushes_total", type: .counter,
            help: "Batches of fleet changes written to SQLite, by result.")
        writer.sample(
            "heartbeat_exporter_storage_flushes_total", .empty, extraLabel: "result", extraValue: "failure",
            value: Double(failed.load(ordering: .relaxed)))
        writer.sample(
            "heartbeat_exporter_storage_flushes_total", .empty, extraLabel: "result", extraValue: "success",
            value: Double(succeeded.load(ordering: .relaxed)))
        writer.family(
            "heartbeat_exporter_storage_last_flush_duration_seconds", type: .gauge,
            help: "How long the last write of fleet changes to SQLite took.")
        writer.sample(
            "heartbeat_exporter_storage_last_flush_duration_seconds", .empty,
            value: Double(bitPattern: lastSeconds.load(ordering: .relaxed)))
        writer.family(
            "heartbeat_exporter_storage_dropped_beats_total", type: .counter,
            help: "Counted heartbeats whose write was given up while the storage could not be written (buffer full).")
        writer.sample(
            "heartbeat_exporter_storage_dropped_beats_total", .empty,
            value: Double(dropped.load(ordering: .relaxed)))
    }
}
