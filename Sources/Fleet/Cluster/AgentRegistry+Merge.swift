import Model

extension AgentRegistry {
    /// Takes what the other exporters sharing the database wrote (issue 20) into this registry, so any node answers
    /// for any agent. Call it while no commit runs (``FleetPersistence/holdingCommits(_:)``), right after reading
    /// `feed`: what the registry has not written yet is then exactly what it holds pending.
    ///
    /// - Counters and the task-duration histogram are the stored ones plus what this node's beats added and it has
    ///   not written yet.
    /// - The last beat's fields (run, `seq`, gauges, status) are the stored ones when the stored beat is as new as
    ///   this node's and this node has no beat of the agent to write; otherwise this node's stand.
    /// - An operator's kill, stop or maintenance is the stored one, unless this node's own action is still unwritten.
    /// - An agent unknown here is added; a deleted one is forgotten here too.
    public func merge(_ feed: FleetFeed) {
        let policy = currentConfiguration.policy
        for stored in feed.agents {
            try? withShard(of: stored.name) { shard in
                let pending = shard.pendingReceipts.filter { $0.agent == stored.name }
                // Deleted here and not written yet: the deletion, newer, stands.
                guard !shard.deleted.contains(stored.name) else { return }
                guard var record = shard.agents[stored.name] else {
                    var added = stored
                    added.refreshSchedule(policy)
                    shard.agents[stored.name] = added
                    _ = agentCountIncrement()
                    return
                }
                record.adopt(stored, pending: pending, keepOperatorFields: shard.controlled.contains(stored.name))
                record.refreshSchedule(policy)
                shard.agents[stored.name] = record
            }
        }
        for name in feed.deleted {
            try? withShard(of: name) { shard in
                guard shard.agents.removeValue(forKey: name) != nil else { return }
                forget(name, in: &shard, deletingStoredRows: false)
            }
        }
    }
}

extension AgentRecord {
    /// Takes the stored view of this agent written by another node (see ``AgentRegistry/merge(_:)``).
    /// - Parameters:
    ///   - pending: the receipts of this node's beats of the agent it has not written yet.
    ///   - keepOperatorFields: true while this node's own kill, resume, stop or maintenance is unwritten.
    mutating func adopt(_ stored: AgentRecord, pending: [BeatReceipt], keepOperatorFields: Bool) {
        counters = pending.reduce(stored.counters) { $0.adding($1.deltas) }
        var durations = DurationHistogram(upperBounds: taskDurations.upperBounds)
        durations.add(stored.taskDurations)  // re-bucketed if another node's bounds differ
        for receipt in pending { if let added = receipt.durations { durations.add(added) } }
        taskDurations = durations
        firstSeen = min(firstSeen, stored.firstSeen)
        if pending.isEmpty, stored.lastBeat >= lastBeat {
            adoptBeat(of: stored)
        } else {
            lastBeat = max(lastBeat, stored.lastBeat)
        }
        guard !keepOperatorFields else { return }
        let operatorChanged = killed != stored.killed || stopped != stored.stopped
        if killed != nil, stored.killed == nil { resumedAt = max(resumedAt ?? stored.stateSince, stored.stateSince) }
        killed = stored.killed
        stopped = stored.stopped
        maintenance = stored.maintenance
        if operatorChanged, stored.stateSince >= stateSince {
            let entry = Transition(
                agent: name, from: recordedState, to: stored.recordedState, at: stored.stateSince,
                reason: "written by another node")
            recordedState = stored.recordedState
            stateSince = stored.stateSince
            appendHistory(entry)
        }
    }

    /// The fields of the agent's last beat, from a stored view whose beat is at least as new.
    private mutating func adoptBeat(of stored: AgentRecord) {
        if agentType != stored.agentType { agentType = stored.agentType }
        if host != stored.host { host = stored.host }
        if !labels.elementsEqual(stored.labels, by: { $0 == $1 }) { labels = stored.labels }
        runID = stored.runID
        seq = stored.seq
        intervalSeconds = stored.intervalSeconds
        schedule = stored.schedule
        selfReportedStatus = stored.selfReportedStatus
        currentTask = stored.currentTask
        lastBeat = stored.lastBeat
        gauges = stored.gauges
        openRun = stored.openRun
        lastRun = stored.lastRun
        ephemeral = stored.ephemeral
        beatGrace = stored.beatGrace
        // A task's last success or failure may have come to this node while the other's newer beat had none.
        var merged = stored.streak
        merged.lastSuccessAt = Self.later(streak.lastSuccessAt, stored.streak.lastSuccessAt)
        merged.lastFailureAt = Self.later(streak.lastFailureAt, stored.streak.lastFailureAt)
        streak = merged
    }

    private static func later(_ first: Timestamp?, _ second: Timestamp?) -> Timestamp? {
        guard let first, let second else { return first ?? second }
        return max(first, second)
    }
}
