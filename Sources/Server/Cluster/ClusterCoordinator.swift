import Foundation
import Logging
import Model
import Storage
import Synchronization

/// This node's place among the exporters sharing one database (issue 20): it campaigns for the rule evaluator's
/// lock, writes its own contact, lists the live nodes, and ends the lead of a node that holds the lock but has gone
/// silent (a hung process). Only the leader evaluates rules and sends notifications; on promotion it first takes
/// over what the previous leader stored (``Hooks/promoted``).
final class ClusterCoordinator: Sendable {
    /// What changes with the lead.
    struct Hooks: Sendable {
        /// Called before this node starts evaluating: restore alert state and the notification log from storage.
        var promoted: @Sendable () -> Void
        /// Called when this node lost the lead.
        var demoted: @Sendable () -> Void
        /// Called about every ``followInterval`` while this node follows: read the leader's alert state.
        var following: @Sendable () -> Void
    }

    /// This node, as its peers list it.
    let identity: ClusterIdentity
    private let lock: any LeaderLock
    private let membership: any ClusterMembership
    private let hooks: Hooks
    private let clock: any WallClock
    private let logger: Logger
    /// Whether this node leads, and until when that stands without a fresh confirmation (ms since the epoch).
    private let leading = Atomic<Bool>(false)
    private let leaseUntil = Atomic<Int64>(0)
    /// The live nodes as last read, and when this node last followed the leader's state.
    private let view = Mutex<(nodes: [StoredClusterNode], followed: Timestamp, failing: Bool)>(([], .epoch, false))

    /// A node without contact for this long is not counted live, and a leader that silent loses the lead.
    static let staleAfter = PrometheusDuration.seconds(10)
    /// How long a confirmation of the lead lets this node evaluate: a hung coordinator stops the rules soon.
    static let lease = PrometheusDuration.seconds(3)
    /// How often a follower reads the leader's alert state.
    static let followInterval = PrometheusDuration.seconds(1)
    /// How often the coordinator runs.
    static let intervalSeconds = 0.5

    init(
        identity: ClusterIdentity, lock: any LeaderLock,
        membership: any ClusterMembership, hooks: Hooks, clock: any WallClock, logger: Logger
    ) {
        self.identity = identity
        self.lock = lock
        self.membership = membership
        self.hooks = hooks
        self.clock = clock
        self.logger = logger
    }

    /// Whether this node leads now: it holds the lock, and confirmed so within ``lease``.
    var isLeader: Bool {
        leading.load(ordering: .acquiring) && clock.now().milliseconds < leaseUntil.load(ordering: .relaxed)
    }

    /// One round: campaign (or confirm the lead), take over on promotion, write this node's contact, list the
    /// nodes, end a stale leader's lead, and follow the leader's alert state.
    func tick() {
        let holds = lock.hold()
        let now = clock.now()
        let was = leading.load(ordering: .acquiring)
        if holds && !was {
            logger.info(
                "leading the cluster: evaluating rules and sending notifications", metadata: ["node": "\(identity.id)"])
            hooks.promoted()
        }
        if holds { leaseUntil.store((now + Self.lease).milliseconds, ordering: .relaxed) }
        leading.store(holds, ordering: .releasing)
        if was && !holds {
            logger.warning("no longer leading the cluster", metadata: ["node": "\(identity.id)"])
            hooks.demoted()
        }
        exchangeContact(leads: holds, at: now)
        if !holds { followIfDue(at: now) }
    }

    /// Gives the lead up at shutdown, so another node takes it at once.
    func resign() {
        leading.store(false, ordering: .releasing)
        lock.release()
    }

    private func exchangeContact(leads: Bool, at now: Timestamp) {
        let node = StoredClusterNode(
            id: identity.id, address: identity.address, startedAt: identity.startedAt, lastContact: now, leader: leads,
            lockPID: lock.sessionPID)
        do throws(StorageError) {
            try membership.recordContact(node)
            let nodes = try membership.clusterNodes(since: now - Self.staleAfter)
            if !leads, try membership.endStaleLeader(silentSince: now - Self.staleAfter) {
                logger.warning("ended the lead of a node silent for \(Self.staleAfter)")
            }
            let wasFailing = view.withLock { view in
                defer { view.nodes = nodes; view.failing = false }
                return view.failing
            }
            if wasFailing { logger.info("cluster contact restored") }
        } catch {
            let wasFailing = view.withLock { view in
                defer { view.failing = true }
                return view.failing
            }
            if !wasFailing { logger.warning("cannot write this node's contact", metadata: ["error": "\(error)"]) }
        }
    }

    private func followIfDue(at now: Timestamp) {
        let due = view.withLock { view in
            guard view.followed + Self.followInterval <= now else { return false }
            view.followed = now
            return true
        }
        if due { hooks.following() }
    }

    /// The nodes live at `now` (this one always among them, even when the database cannot be read), and the leader:
    /// none but this node while the database cannot be read.
    func status(at now: Timestamp) -> ClusterStatus {
        let (read, failing) = view.withLock { ($0.nodes, $0.failing) }
        // A leader that died keeps its row's mark until its contact is stale; this node knows when it leads itself.
        // Cut off from the database, this node knows of no other leader: what it read last is no longer true.
        let leads = isLeader
        var nodes = read.filter { $0.lastContact >= now - Self.staleAfter && $0.id != identity.id }.map { node in
            ClusterStatus.Node(
                id: node.id, address: node.address, startedAt: node.startedAt, lastContact: node.lastContact,
                leader: node.leader && !leads && !failing, this: false)
        }
        let own = read.first { $0.id == identity.id }
        nodes.append(
            ClusterStatus.Node(
                id: identity.id, address: identity.address, startedAt: identity.startedAt,
                lastContact: own?.lastContact ?? now, leader: leads, this: true))
        nodes.sort { $0.id < $1.id }
        return ClusterStatus(backend: "postgresql", nodes: nodes)
    }
}
