import AlertPipeline
import Fleet
import Foundation
import Logging
import Model
import Recovery
import RuleManager
import Storage

/// What an exporter does as one node of several sharing a PostgreSQL (issue 20), or, on storage that is not shared,
/// a single node's place: a cluster of one that leads itself.
struct ExporterCluster: Sendable {
    /// The node's own threads: merging the others' writes, listening for their operator changes, the election.
    var threads: [PeriodicThread]
    /// The nodes and the leader, for `GET /api/v1/status/cluster` and the metrics.
    var status: any ClusterStatusSource
    /// The election; nil for a single node.
    var coordinator: ClusterCoordinator?
    /// This node's name and address, completed with the bound port at start.
    var identity: ClusterIdentity

    /// Whether this node evaluates rules and sends notifications now.
    var leads: Bool { coordinator?.isLeader ?? true }
}

extension Exporter {
    /// The parts of the exporter that `make` needs to be a node of a cluster.
    struct ClusterParts {
        var registry: AgentRegistry
        var persistence: FleetPersistence
        var engine: RuleEngine
        var router: AlertRouter
        var recovery: LadderRunner
    }

    /// This node as its peers name it: its listen address (or external URL), started at `start`.
    static func identity(_ options: ExporterOptions, startedAt start: Timestamp) -> ClusterIdentity {
        let (host, port) = (try? options.hostAndPort()) ?? ("127.0.0.1", 9747)
        return ClusterIdentity(host: host, port: port, externalURL: options.externalURL, startedAt: start)
    }

    /// When the fleet's watch resumes with this start, for agents whose silence counts from it rather than from their
    /// last beat: now, unless another node sharing the database has been watching (in contact within
    /// ``ClusterCoordinator/staleAfter``): then nil, and an agent silent while this node was away is as late here as
    /// there.
    static func watchResumes(_ storage: any AgentStorage, options: ExporterOptions, at start: Timestamp) -> Timestamp? {
        guard let storage = storage as? PostgresStorage else { return start }
        let own = identity(options, startedAt: start).id
        let watching = (try? storage.clusterNodes(since: start - ClusterCoordinator.staleAfter)) ?? []
        return watching.contains { $0.id != own } ? nil : start
    }

    /// This node's place: a node of a cluster when the storage is PostgreSQL, else a single node.
    static func cluster(
        _ parts: ExporterParts, options: ExporterOptions, _ node: ClusterParts, logger: Logger
    ) -> ExporterCluster {
        let clock = parts.clock
        let identity = identity(options, startedAt: clock.now())
        guard let storage = parts.storage as? PostgresStorage,
            let connectionString = try? PostgresConnectionString.resolve(
                file: options.postgresDSNFile, environment: ProcessInfo.processInfo.environment)
        else {
            return ExporterCluster(
                threads: [],
                status: SingleNode(identity: identity), coordinator: nil, identity: identity)
        }
        let merger = FleetMerger(
            feed: storage, registry: node.registry, persistence: node.persistence, logger: logger)
        let coordinator = ClusterCoordinator(
            identity: identity, lock: PostgresLeaderLock(connectionString: connectionString), membership: storage,
            hooks: Self.leadershipHooks(node, logger: logger), clock: clock, logger: logger)
        let listener = PostgresChangeListener(connectionString: connectionString)
        let router = node.router
        return ExporterCluster(
            threads: [
                PeriodicThread(name: "cluster-merge", intervalSeconds: FleetMerger.intervalSeconds) { merger.tick() },
                PeriodicThread(name: "cluster-election", intervalSeconds: ClusterCoordinator.intervalSeconds) {
                    coordinator.tick()
                },
                PeriodicThread(name: "cluster-listen", intervalSeconds: 0.001) {
                    Self.listen(
                        listener, merger: merger, router: router, leads: { coordinator.isLeader }, logger: logger)
                },
            ],
            status: coordinator, coordinator: coordinator, identity: identity)
    }

    /// Waits for other nodes' operator changes and takes them in at once; the leader, which notifies, also takes in
    /// the notices other nodes announced.
    private static func listen(
        _ listener: PostgresChangeListener, merger: FleetMerger, router: AlertRouter, leads: () -> Bool,
        logger: Logger
    ) {
        let event = listener.wait(milliseconds: 500)
        let changed: Set<String>
        switch event {
        case .nothing: return
        case .listeningAgain: changed = ["agents", "silences", "acknowledgements", "notices"]
        case .notified(let payloads): changed = payloads
        }
        if changed.contains("agents") { merger.tick() }
        if changed.contains("silences") || changed.contains("acknowledgements") {
            do throws(StorageError) {
                try router.reloadOperatorState()
            } catch {
                logger.warning("cannot read silences and acknowledgements", metadata: ["error": "\(error)"])
            }
        }
        if changed.contains("notices"), leads() {
            do throws(StorageError) {
                try router.adoptStoredNotices()
            } catch {
                logger.warning("cannot read notices", metadata: ["error": "\(error)"])
            }
        }
    }

    private static func leadershipHooks(_ node: ClusterParts, logger: Logger) -> ClusterCoordinator.Hooks {
        let (engine, router, recovery) = (node.engine, node.router, node.recovery)
        return ClusterCoordinator.Hooks(
            promoted: {
                engine.takeOver()
                do throws(StorageError) {
                    try router.takeOver()
                } catch {
                    logger.error("cannot read the notification log on taking the lead", metadata: ["error": "\(error)"])
                }
                do throws(StorageError) {
                    try recovery.takeOver()
                } catch {
                    logger.error("cannot read the recovery runs on taking the lead", metadata: ["error": "\(error)"])
                }
            },
            demoted: {},
            following: {
                engine.followStoredAlerts()
                router.follow(engine.firingAlerts())
            })
    }
}
