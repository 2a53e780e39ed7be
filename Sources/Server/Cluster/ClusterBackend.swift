import Model
import Storage

/// The rule evaluator's election, as a node of several sharing one database needs it (issue 20).
protocol LeaderLock: Sendable {
    /// Takes the lead if it is free, or checks it is still held; returns whether this node leads.
    func hold() -> Bool
    /// Gives the lead up.
    func release()
    /// The database session holding (or asking for) the lead, which peers end when this node is stale.
    var sessionPID: Int32? { get }
}

/// The nodes' rows in the shared database: each writes its own about every second, and reads everyone's.
protocol ClusterMembership: Sendable {
    /// Writes this node's row.
    func recordContact(_ node: StoredClusterNode) throws(StorageError)
    /// Every node that made contact since `since`.
    func clusterNodes(since: Timestamp) throws(StorageError) -> [StoredClusterNode]
    /// Ends the lead of a node holding it without contact since `silentSince`; returns whether one was ended.
    func endStaleLeader(silentSince: Timestamp) throws(StorageError) -> Bool
}

extension PostgresLeaderLock: LeaderLock {}
extension PostgresStorage: ClusterMembership {}
