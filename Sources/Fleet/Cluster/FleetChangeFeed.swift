import Model

/// What the exporters sharing one database wrote since a point of their change sequence (issue 20): each node polls
/// it and merges the result into its registry, so any node answers for any agent.
///
/// The fleet defines what it needs; `Storage` implements it on PostgreSQL (a single SQLite node has nothing to merge).
public protocol FleetChangeFeed: Sendable {
    /// The agents written and the agents deleted after `watermark`, with the watermark to ask from next time.
    /// - Throws: ``StorageError`` when the database cannot be read.
    func fleetChanges(after watermark: Int64) throws(StorageError) -> FleetFeed
}

/// One read of a ``FleetChangeFeed``.
public struct FleetFeed: Sendable {
    /// Agents as stored (counters included, history not), oldest change first.
    public var agents: [AgentRecord]
    /// Agents deleted since the watermark asked for.
    public var deleted: [String]
    /// The highest change sequence value read: the next read asks for what came after it.
    public var watermark: Int64

    /// Creates a read of the feed.
    public init(agents: [AgentRecord] = [], deleted: [String] = [], watermark: Int64) {
        self.agents = agents
        self.deleted = deleted
        self.watermark = watermark
    }
}
