import Fleet
import Logging
import Model
import Synchronization

/// Merges what the other exporters sharing the database wrote into this one's registry, about twice a second (issue
/// 20): their beats (through the agents' change sequence), and operators' kills, resumes, stops, maintenance and
/// deletions made on them.
final class FleetMerger: Sendable {
    private let feed: any FleetChangeFeed
    private let registry: AgentRegistry
    private let persistence: FleetPersistence
    private let logger: Logger
    /// The change sequence value merged up to.
    private let watermark = Mutex<Int64>(0)
    /// Whether the last read failed, so that a database away is logged once, not twice a second.
    private let failing = Atomic<Bool>(false)

    /// How often the feed is read.
    static let intervalSeconds = 0.5

    init(feed: any FleetChangeFeed, registry: AgentRegistry, persistence: FleetPersistence, logger: Logger) {
        self.feed = feed
        self.registry = registry
        self.persistence = persistence
        self.logger = logger
    }

    /// Reads what was written since the last read and merges it; a failed read is retried at the next tick.
    func tick() {
        do throws(StorageError) {
            try persistence.holdingCommits { () throws(StorageError) in
                let from = watermark.withLock { $0 }
                let read = try feed.fleetChanges(after: from)
                registry.merge(read)
                watermark.withLock { $0 = read.watermark }
            }
            if failing.exchange(false, ordering: .relaxed) { logger.info("merging the shared fleet again") }
        } catch {
            if !failing.exchange(true, ordering: .relaxed) {
                logger.warning("cannot merge the shared fleet", metadata: ["err": "\(error)"])
            }
        }
    }

    /// The change sequence value merged up to.
    var mergedUpTo: Int64 { watermark.withLock { $0 } }
}
