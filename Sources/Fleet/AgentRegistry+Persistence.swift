/// The changes made to the fleet since the last drain, in the order storage must apply them.
public struct FleetChanges: Sendable {
    /// Agents forgotten: delete their rows and history first.
    public var deletions: [String] = []
    /// Agents changed: write their current state.
    public var upserts: [AgentRecord] = []
    /// History entries to append.
    public var transitions: [Transition] = []

    public init() {}

    public var isEmpty: Bool { deletions.isEmpty && upserts.isEmpty && transitions.isEmpty }
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
                shard.deleted.removeAll(keepingCapacity: true)
                shard.dirty.removeAll(keepingCapacity: true)
                shard.pendingTransitions.removeAll(keepingCapacity: true)
            }
        }
        return changes
    }

    /// Puts agents read back from storage into an empty registry, beyond the agent limit if need be (they
    /// were accepted once). Their state is judged afresh by the next sweep; an agent resumed and silent since
    /// still counts its silence from the resume (the history's last transition out of `killed`).
    public func restore(_ records: [AgentRecord]) {
        for var record in records {
            if record.killed == nil, record.resumedAt == nil {
                record.resumedAt = record.history.last(where: { $0.from == .killed })?.at
            }
            try? withShard(of: record.name) { shard in
                if shard.agents.updateValue(record, forKey: record.name) == nil {
                    _ = agentCountIncrement()
                }
            }
        }
    }
}
