import Model

/// The changes made to the fleet since the last drain, in the order storage must apply them.
public struct FleetChanges: Sendable {
    /// Agents forgotten: delete their rows and history first.
    public var deletions: [String] = []
    /// Agents changed: write their current state.
    public var upserts: [AgentRecord] = []
    /// History entries to append.
    public var transitions: [Transition] = []
    /// Transitions at or after this time are kept whatever their number, and so is the last one before it (it gives
    /// the state at this time): uptime over the activity retention needs all of them. Older ones beyond an agent's
    /// newest ``storedHistoryLimit`` are pruned. Nil: only the newest ``storedHistoryLimit`` are kept.
    public var historyKeptSince: Timestamp?

    /// How many of an agent's transitions storage keeps at least (older than ``historyKeptSince`` or not).
    public static let storedHistoryLimit = 1_000
    /// What each counted beat added, in arrival order: a shared database applies each once (``BeatReceipt``).
    public var receipts: [BeatReceipt] = []
    /// Agents among ``upserts`` whose operator-set fields (kill, stop, maintenance) changed: a shared database takes
    /// those fields from these rows only.
    public var controlled: Set<String> = []

    public init() {}

    public var isEmpty: Bool { deletions.isEmpty && upserts.isEmpty && transitions.isEmpty && receipts.isEmpty }
}

extension AgentRegistry {
    /// Takes the changes made since the previous drain. The caller must persist them before draining again,
    /// and drains must not run concurrently: storage then always ends with the newest state of each agent.
    public func drainChanges() -> FleetChanges {
        var changes = FleetChanges()
        for index in 0..<Self.shardCount {
            try? withShard(atIndex: index) { shard in
                changes.deletions += shard.deleted
                changes.upserts += shard.dirty.compactMap { shard.agents[$0] }
                changes.transitions += shard.pendingTransitions
                changes.receipts += shard.pendingReceipts
                changes.controlled.formUnion(shard.controlled)
                changes.controlled.formUnion(shard.pendingReceipts.lazy.filter(\.revived).map(\.agent))
                shard.deleted.removeAll(keepingCapacity: true)
                shard.dirty.removeAll(keepingCapacity: true)
                shard.pendingTransitions.removeAll(keepingCapacity: true)
                shard.pendingReceipts.removeAll(keepingCapacity: true)
                shard.controlled.removeAll(keepingCapacity: true)
            }
        }
        return changes
    }

    /// Puts agents read back from storage into an empty registry, beyond the agent limit if need be (they
    /// were accepted once). Their state is judged afresh by the next sweep; an agent resumed and silent since
    /// still counts its silence from the resume (the history's last transition out of `killed`). An agent that
    /// never counted a heartbeat and was stored missing (or killed or stopped while missing) is an expected one
    /// still awaiting its first beat (``AgentRecord/awaitingFirstBeat``, not a column of its own):
    /// ``placeExpectedAgents(_:at:)`` keeps it, with the time it was first listed, or
    /// forgets it when the configuration no longer expects it.
    /// - Parameter start: when the exporter started watching again; an agent that was healthy when it stopped
    ///   counts its silence from there (``AgentRecord/watchedSince``). Nil: from its last beat, as ever.
    public func restore(_ records: [AgentRecord], at start: Timestamp? = nil) {
        let policy = currentConfiguration.policy
        for var record in records {
            if Self.wasAwaitingFirstBeat(record) { record.awaitingFirstBeat = true }
            if let start, record.recordedState == .healthy { record.watchedSince = start }
            if record.killed == nil, record.resumedAt == nil {
                record.resumedAt = record.history.last(where: { $0.from == .killed })?.at
            }
            // Before the first sweep, the rules' first evaluation must see the schedule's deadlines too
            // (`agent_next_run_timestamp_seconds`): a late job stays late across a restart, not resolved and fired anew.
            record.refreshSchedule(policy)
            try? withShard(of: record.name) { shard in
                if shard.agents.updateValue(record, forKey: record.name) == nil {
                    _ = agentCountIncrement()
                }
            }
        }
        restoreDependencies(records)
    }

    /// An expected agent stored before its first beat: no heartbeat counted, and missing when stored or before an
    /// operator killed or stopped it.
    private static func wasAwaitingFirstBeat(_ record: AgentRecord) -> Bool {
        record.counters.heartbeats == 0
            && (record.recordedState == .missing || record.history.contains { $0.from == .missing })
    }
}
