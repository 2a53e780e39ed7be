import Exposition
import Model

/// The nodes of the cluster and its leader, for `GET /api/v1/status/cluster` and the `heartbeat_exporter_cluster_*`
/// metrics. A single node on SQLite is a cluster of one that leads itself.
struct ClusterStatus: Sendable, Equatable {
    /// One live node.
    struct Node: Sendable, Equatable {
        var id: String
        var address: String
        var startedAt: Timestamp
        var lastContact: Timestamp
        var leader: Bool
        /// Whether this is the node answering.
        var this: Bool
    }

    /// Where the nodes share their state: `postgresql`, or `sqlite` for a single node.
    var backend: String
    var nodes: [Node]

    /// The leader's name, nil while no live node leads (an election under way).
    var leader: String? { nodes.first(where: \.leader)?.id }
    /// Whether the answering node leads.
    var thisLeads: Bool { nodes.contains { $0.this && $0.leader } }
}

/// Where the cluster's status comes from: the coordinator on PostgreSQL, this node alone otherwise.
protocol ClusterStatusSource: Sendable {
    func status(at now: Timestamp) -> ClusterStatus
}

extension ClusterCoordinator: ClusterStatusSource {}

/// A node that shares nothing (SQLite, in-memory storage): the whole cluster, and its leader.
struct SingleNode: ClusterStatusSource {
    let identity: ClusterIdentity

    func status(at now: Timestamp) -> ClusterStatus {
        ClusterStatus(
            backend: "sqlite",
            nodes: [
                .init(
                    id: identity.id, address: identity.address, startedAt: identity.startedAt, lastContact: now,
                    leader: true, this: true)
            ])
    }
}

/// `heartbeat_exporter_cluster_leader` and `heartbeat_exporter_cluster_nodes`.
struct ClusterMetrics: MetricsSource {
    let source: any ClusterStatusSource
    let clock: any WallClock

    func write(into writer: inout ExpositionWriter) {
        let status = source.status(at: clock.now())
        writer.family(
            "heartbeat_exporter_cluster_leader", type: .gauge,
            help: "1 when this node leads the cluster (evaluates rules and sends notifications), else 0.")
        writer.sample("heartbeat_exporter_cluster_leader", .empty, value: status.thisLeads ? 1 : 0)
        writer.family(
            "heartbeat_exporter_cluster_nodes", type: .gauge,
            help: "Nodes of the cluster in contact with the shared database within the last 10 seconds.")
        writer.sample("heartbeat_exporter_cluster_nodes", .empty, value: Double(status.nodes.count))
    }
}
