import Model

extension AgentRegistry {
    /// Adds a counted beat to the agent's open activity bucket; when the beat falls in a later bucket, the open one
    /// is handed to `close` first, with the state the agent had then.
    func accumulateActivity(
        _ beat: Heartbeat, into record: inout AgentRecord, costBefore: Double, tokensBefore: Double,
        at now: Timestamp, close: (ActivityBucket) -> Void
    ) {
        let start = ActivityBucket.start(of: now)
        if let open = record.openActivity, open.start != start {
            close(open.closed(agent: record.name, state: record.recordedState))
            record.openActivity = nil
        }
        var open = record.openActivity ?? OpenActivity(start: start)
        open.add(
            beat, costDelta: max(0, record.counters.costUSD - costBefore),
            tokensDelta: max(0, record.counters.tokens - tokensBefore))
        record.openActivity = open
    }

    /// Takes the activity buckets that ended by `now`: those closed by a later beat and, when `scanAll` is set (the
    /// caller does so once `now` passed a bucket boundary), every agent's open bucket that ended, with the agent's
    /// state at its end. With `includeOpen` (every minute, and at shutdown) the buckets still open are taken in part
    /// too, with the state now: what they counted so far, which storage adds up with the rest; each stays open,
    /// emptied, so its end is still written with the state then. The maintenance thread calls it
    /// (``FleetActivity/flush(includeOpen:)``); never the heartbeat path.
    public func closeActivity(at now: Timestamp, scanAll: Bool, includeOpen: Bool = false) -> [ActivityBucket] {
        let policy = currentConfiguration.policy
        var closed: [ActivityBucket] = []
        for index in 0..<Self.shardCount {
            closed +=
                (try? withShard(atIndex: index) { shard in
                    var taken = shard.closedActivity
                    shard.closedActivity.removeAll(keepingCapacity: true)
                    guard scanAll || includeOpen else { return taken }
                    // Read first, then change: changing the dictionary while iterating it would copy it whole.
                    var ended: [String] = []
                    var parted: [(name: String, start: Timestamp)] = []
                    for (name, record) in shard.agents {
                        guard let open = record.openActivity else { continue }
                        let end = open.start + ActivityBucket.width
                        if end <= now {
                            taken.append(open.closed(agent: name, state: record.state(at: end, policy: policy)))
                            ended.append(name)
                        } else if includeOpen, open.beats > 0 {
                            taken.append(open.closed(agent: name, state: record.state(at: now, policy: policy)))
                            parted.append((name, open.start))
                        }
                    }
                    for name in ended { shard.agents[name]?.openActivity = nil }
                    for (name, start) in parted { shard.agents[name]?.openActivity = OpenActivity(start: start) }
                    return taken
                }) ?? []
        }
        return closed
    }

    /// The bucket `agent` is filling now, with its state now; nil when it beat in no open bucket.
    public func openActivity(of agent: String, at now: Timestamp) -> ActivityBucket? {
        let policy = currentConfiguration.policy
        guard let record = self.agent(named: agent), let open = record.openActivity else { return nil }
        return open.closed(agent: agent, state: record.state(at: now, policy: policy))
    }
}
