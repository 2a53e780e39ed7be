import Model
import Synchronization

/// The fleet's activity history: each agent's 5-minute ``ActivityBucket``s, kept for ``retention`` in
/// ``ActivityStorage``, and its uptime from its transitions.
///
/// The registry fills each agent's open bucket on the heartbeat path, in memory under the agent's shard lock.
/// ``flush()``, called by the maintenance thread, takes the buckets that ended (every agent's once a bucket
/// boundary passed), writes them in one transaction and, every ``cleanupInterval``, deletes what is past the
/// retention. A write that fails is tried again at the next flush; at most ``maximumUnsaved`` buckets wait (the
/// oldest are dropped beyond), so memory stays bounded whatever storage does.
public final class FleetActivity: Sendable {
    /// `history.activity_retention`'s default: 30 days.
    public static let defaultRetention = PrometheusDuration.hours(30 * 24)
    /// What is past the retention is deleted this often.
    static let cleanupInterval = PrometheusDuration.minutes(10)
    /// How often the buckets still open are written as parts (which storage adds up with the rest): a `kill -9`
    /// loses at most this much of the agents' activity.
    public static let openCheckpointInterval = PrometheusDuration.minutes(1)
    /// The most buckets kept waiting for storage (two bucket boundaries of 10,000 agents… fifty).
    public static let maximumUnsaved = 100_000
    /// The spans uptime is reported over.
    public static let uptimeSpans: [(label: String, span: PrometheusDuration)] = [
        ("24h", .hours(24)), ("7d", .hours(7 * 24)), ("30d", .hours(30 * 24)),
    ]

    struct State {
        var unsaved: [ActivityBucket] = []
        var retention: PrometheusDuration
        var nextBoundary = Timestamp.epoch
        var nextCleanup = Timestamp.epoch
        /// When the open buckets are next written in part.
        var nextOpenCheckpoint: Timestamp
        var dropped = 0
        /// The fleet per bucket over the last 24 hours, by bucket start.
        var fleet: [Timestamp: FleetActivityPoint] = [:]
        /// What the fleet's points gained since they were last written, by bucket start: the cost added and the
        /// agents per state when they were counted (nil when not). Storage adds the cost to what it holds, so nodes
        /// sharing one database each add their own.
        var fleetUnsaved: [Timestamp: FleetActivityPoint] = [:]
        /// The cost of the parts of buckets still under way, written every minute, by bucket start: added to the
        /// fleet's point when the bucket ends.
        var openFleetCost: [Timestamp: Double] = [:]
    }

    private let registry: AgentRegistry
    let store: any ActivityStorage
    /// Whether other exporters write the fleet's points to `store` too (a cluster on PostgreSQL): the chart is then
    /// read from storage, where every node's cost adds up.
    let storeIsShared: Bool
    private let transitions: any AgentStorage
    let clock: any WallClock
    /// Protects the buckets not yet written, the retention, the next due times and the fleet's points.
    let state: Mutex<State>

    /// Creates the activity history of `registry`, kept in `store`; `transitions` gives the stored state history.
    /// `storeIsShared` when other exporters write the same store (a cluster), so the fleet's chart reads it.
    public init(
        registry: AgentRegistry, store: any ActivityStorage, transitions: any AgentStorage, clock: any WallClock,
        retention: PrometheusDuration = FleetActivity.defaultRetention, storeIsShared: Bool = false
    ) {
        self.registry = registry
        self.store = store
        self.storeIsShared = storeIsShared
        self.transitions = transitions
        self.clock = clock
        state = Mutex(State(retention: retention, nextOpenCheckpoint: clock.now() + Self.openCheckpointInterval))
    }

    /// How long buckets are kept (`history.activity_retention`); a reload may change it.
    public var retention: PrometheusDuration {
        get { state.withLock { $0.retention } }
        set { state.withLock { $0.retention = newValue } }
    }

    /// Writes the buckets that ended and, when due, deletes those past the retention (the maintenance thread calls
    /// it, after the fleet's changes are committed). Every ``openCheckpointInterval``, and with `includeOpen` (at
    /// shutdown), the buckets still open are written too, as parts that storage adds up with the rest written later
    /// or after a restart. Returns what storage refused, for the caller to log; buckets not written are tried again
    /// at the next flush.
    @discardableResult
    public func flush(includeOpen: Bool = false) -> [StorageError] {
        let now = clock.now()
        // The fleet is counted at each boundary passed while running: not at the first flush, whose bucket before
        // may have ended before the exporter started.
        let (scanAll, passed) = state.withLock { state in
            guard state.nextBoundary <= now else { return (false, false) }
            let passed = state.nextBoundary != .epoch
            state.nextBoundary = ActivityBucket.start(of: now) + ActivityBucket.width
            return (true, passed)
        }
        let checkpoint = state.withLock { state in
            guard includeOpen || state.nextOpenCheckpoint <= now else { return false }
            state.nextOpenCheckpoint = now + Self.openCheckpointInterval
            return true
        }
        let closed = registry.closeActivity(at: now, scanAll: scanAll, includeOpen: checkpoint)
        let counts = passed ? registry.countByState(at: now) : nil
        let (batch, points, cutoff) = state.withLock { state in
            state.unsaved += closed
            // The fleet's points take a bucket under way only at shutdown: the cost of its parts written every
            // minute is kept aside until it ends, rather than shown as a point of its own.
            state.noteFleet(closed, counts: counts, at: now, includingOpen: includeOpen)
            let points = state.takeUnsavedFleetPoints()
            var cutoff: Timestamp?
            if state.nextCleanup <= now {
                state.nextCleanup = now + Self.cleanupInterval
                cutoff = now - state.retention
            }
            defer { state.unsaved = [] }
            return (state.unsaved, points, cutoff)
        }
        var failures: [StorageError] = []
        if let failure = save(batch) { failures.append(failure) }
        if let failure = save(points) { failures.append(failure) }
        guard let cutoff else { return failures }
        do {
            try store.deleteActivity(before: cutoff)
        } catch {
            failures.append(error)
        }
        return failures
    }

    private func save(_ batch: [ActivityBucket]) -> StorageError? {
        guard !batch.isEmpty else { return nil }
        do {
            try store.saveActivity(batch)
            return nil
        } catch {
            state.withLock { state in
                state.unsaved = batch + state.unsaved
                let excess = state.unsaved.count - Self.maximumUnsaved
                if excess > 0 {
                    state.unsaved.removeFirst(excess)
                    state.dropped += excess
                }
            }
            return error
        }
    }

    /// Buckets dropped since start because storage refused them for too long.
    public var droppedBuckets: Int { state.withLock { $0.dropped } }

    /// `agent`'s buckets that start in `from..<to`, oldest first: those stored, those waiting to be written and the
    /// one it is filling now.
    /// - Throws: ``StorageError`` when the stored ones cannot be read.
    public func buckets(of agent: String, from: Timestamp, to: Timestamp) throws(StorageError) -> [ActivityBucket] {
        var byStart: [Timestamp: ActivityBucket] = [:]
        func add(_ bucket: ActivityBucket) {
            guard bucket.start >= from, bucket.start < to else { return }
            byStart[bucket.start] = byStart[bucket.start].map { $0.merged(with: bucket) } ?? bucket
        }
        for bucket in try store.activity(of: agent, from: from, to: to) { add(bucket) }
        for bucket in state.withLock({ $0.unsaved.filter { $0.agent == agent } }) { add(bucket) }
        if let open = registry.openActivity(of: agent, at: clock.now()) { add(open) }
        return byStart.values.sorted { $0.start < $1.start }
    }

    /// `agent`'s transitions since `since`, oldest first, preceded by the last one before it (the state at `since`):
    /// the stored ones, however many (storage keeps every one within the activity retention), and those in memory not
    /// yet written.
    /// - Throws: ``StorageError`` when the stored ones cannot be read.
    public func transitions(of agent: String, since: Timestamp) throws(StorageError) -> [Transition] {
        let stored = try transitions.history(of: agent, since: since)
        let recent = registry.agent(named: agent)?.history ?? []
        let newestStored = stored.last?.at ?? .epoch
        var merged = stored
        // A node of a cluster that does not lead notices the same changes as the leader, which stores them: its own
        // copy, moments later, goes to the state the stored history is in already.
        for transition in recent where transition.at > newestStored && transition.to != merged.last?.to {
            merged.append(transition)
        }
        return merged
    }

    /// The longest of ``uptimeSpans``: how far back ``uptimes(_:at:)`` reads.
    public static var longestUptimeSpan: PrometheusDuration { uptimeSpans.map(\.span).max() ?? .hours(24) }

    /// `agent`'s uptime over each of ``uptimeSpans`` up to `now` (nil for a span in which no time counts).
    public static func uptimes(_ transitions: [Transition], at now: Timestamp) -> [(label: String, ratio: Double?)] {
        uptimeSpans.map { ($0.label, Uptime.ratio(of: transitions, from: now - $0.span, to: now)) }
    }
}
