import Fleet
import GRDB
import Model

/// One exporter of those sharing the database, as its last contact left it in `cluster_node`.
public struct StoredClusterNode: Sendable, Equatable {
    /// The node's name: its host and listen address.
    public var id: String
    /// Where the node is reached (its external URL, or its listen address).
    public var address: String
    /// When the node started.
    public var startedAt: Timestamp
    /// When the node last wrote its row (about every second while it runs).
    public var lastContact: Timestamp
    /// Whether the node held the rule evaluator's lock at its last contact.
    public var leader: Bool
    /// The server process of the node's election session, which its peers end when the node is stale.
    public var lockPID: Int32?

    /// Creates the row of a node.
    public init(
        id: String, address: String, startedAt: Timestamp, lastContact: Timestamp, leader: Bool, lockPID: Int32?
    ) {
        self.id = id
        self.address = address
        self.startedAt = startedAt
        self.lastContact = lastContact
        self.leader = leader
        self.lockPID = lockPID
    }
}

extension PostgresStorage {
    /// Writes this node's row: it is alive at `node.lastContact`, and leads or not.
    public func recordContact(_ node: StoredClusterNode) throws(StorageError) {
        try connection.session("recording the node's contact") { session in
            try session.execute(
                """
                INSERT INTO cluster_node (id, address, started_at, last_contact, leader, lock_pid)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (id) DO UPDATE SET address = EXCLUDED.address, started_at = EXCLUDED.started_at,
                    last_contact = EXCLUDED.last_contact, leader = EXCLUDED.leader, lock_pid = EXCLUDED.lock_pid
                """,
                [
                    node.id, node.address, node.startedAt.seconds, node.lastContact.seconds, Int64(node.leader ? 1 : 0),
                    node.lockPID.map { Int64($0) },
                ])
        }
    }

    /// Every node that made contact since `since`, by name.
    public func clusterNodes(since: Timestamp) throws(StorageError) -> [StoredClusterNode] {
        try connection.session("reading the cluster's nodes") { session in
            try session.execute(
                "SELECT * FROM cluster_node WHERE last_contact >= $1 ORDER BY id", [since.seconds]
            ).map { row in
                StoredClusterNode(
                    id: row["id"], address: row["address"], startedAt: Timestamp(storedSeconds: row["started_at"]),
                    lastContact: Timestamp(storedSeconds: row["last_contact"]), leader: (row["leader"] as Int64) != 0,
                    lockPID: (row["lock_pid"] as Int64?).map { Int32(truncatingIfNeeded: $0) })
            }
        }
    }

    /// Ends the election session of a leader that still holds the lock but has not made contact since `silentSince`
    /// (a hung process whose connection lives on), so that another node can take the lead. Returns whether one was.
    public func endStaleLeader(silentSince: Timestamp) throws(StorageError) -> Bool {
        try connection.session("ending a stale leader's session") { session in
            let ended = try session.execute(
                """
                SELECT pg_terminate_backend(locks.pid) AS ended FROM pg_locks locks
                JOIN cluster_node node ON node.lock_pid = locks.pid
                WHERE locks.locktype = 'advisory' AND locks.granted AND node.leader = 1 AND node.last_contact < $1
                  AND ((locks.classid::bigint << 32) | locks.objid::bigint) = $2
                """, [silentSince.seconds, PostgresLeaderLock.key])
            return ended.contains { ($0["ended"] as Bool?) == true }
        }
    }
}
