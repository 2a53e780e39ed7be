import Model

/// What a recovery ladder (the `Recovery` module) calls to mark an agent while it restarts or replaces it.
///
/// The ladder calls ``beginRecovery(_:ladder:step:at:)`` when a run starts, ``setRecoveryStep(_:step:at:)`` when it
/// moves to the next step, and ``endRecovery(_:reason:at:)`` when the run ends, saying why (`recovered by restart`
/// after a beat, `recovery exhausted: …` when it gives up). Each change of step is recorded in the agent's history
/// (`recovering: restart`, `recovering: replace`) as other transitions are, and persisted with them.
///
/// A beat does not end a run by itself: the agent stays `recovering` until the ladder, which watches
/// ``lastHeartbeat(of:)``, ends it. The mark is kept in memory only; after a restart of the exporter the ladder's
/// storage restores it by calling ``beginRecovery(_:ladder:step:at:)`` again, which records nothing new when the
/// agent's recorded state is still `recovering` (restore before the first sweep, or the sweep records the agent's
/// age-based state first).
extension AgentRegistry {
    /// Marks `name` as recovered by `ladder`, now at `step`: its state becomes `recovering` and the history says
    /// `recovering: <step>`. Calling it again for the same step changes nothing; for another step it is
    /// ``setRecoveryStep(_:step:at:)``.
    /// - Throws: ``RegistryError/unknownAgent(_:)``, or ``RegistryError/notRecoverable(_:_:)`` for a killed or
    ///   stopped agent.
    @discardableResult
    public func beginRecovery(
        _ name: String, ladder: String, step: String, at time: Timestamp
    ) throws(RegistryError) -> AgentRecord {
        try changeRecovery(name, at: time) { (record) throws(RegistryError) -> String? in
            try Self.requireRecoverable(record)
            guard let current = record.recovery else {
                record.recovery = AgentRecovery(ladder: ladder, step: step, since: time, stepSince: time)
                // Restored after a restart of the exporter: the history already says so.
                return record.recordedState == .recovering ? nil : "recovering: \(step)"
            }
            guard current.step != step || current.ladder != ladder else { return nil }
            record.recovery = AgentRecovery(ladder: ladder, step: step, since: current.since, stepSince: time)
            return "recovering: \(step)"
        }
    }

    /// Moves a run to its next `step`; the history says `recovering: <step>`.
    /// - Throws: ``RegistryError/unknownAgent(_:)``, ``RegistryError/notRecovering(_:)`` when no run is marked,
    ///   ``RegistryError/notRecoverable(_:_:)`` when the agent was killed or stopped meanwhile.
    @discardableResult
    public func setRecoveryStep(_ name: String, step: String, at time: Timestamp) throws(RegistryError) -> AgentRecord {
        try changeRecovery(name, at: time) { (record) throws(RegistryError) -> String? in
            guard var recovery = record.recovery else { throw .notRecovering(name) }
            try Self.requireRecoverable(record)
            guard recovery.step != step else { return nil }
            recovery.step = step
            recovery.stepSince = time
            record.recovery = recovery
            return "recovering: \(step)"
        }
    }

    /// Ends the run on `name`: the agent is judged by the age of its last beat again (healthy after a beat, else
    /// degraded or unreachable), and the history records that change with `reason` (`recovered by restart`).
    /// A killed or stopped agent keeps its state and records nothing. Ending when no run is marked changes nothing.
    /// - Throws: ``RegistryError/unknownAgent(_:)``.
    @discardableResult
    public func endRecovery(_ name: String, reason: String, at time: Timestamp) throws(RegistryError) -> AgentRecord {
        try changeRecovery(name, at: time) { record in
            guard record.recovery != nil else { return nil }
            record.recovery = nil
            return reason
        }
    }

    /// When `name` last sent a counted heartbeat (retries of a beat already counted do not count); nil for an
    /// unknown agent. A ladder compares it with the time its step began to learn whether the agent came back.
    public func lastHeartbeat(of name: String) -> Timestamp? {
        shard(for: name).state.withLock { $0.agents[name]?.lastBeat }
    }

    private static func requireRecoverable(_ record: AgentRecord) throws(RegistryError) {
        if record.killed != nil { throw .notRecoverable(record.name, .killed) }
        if record.stopped != nil { throw .notRecoverable(record.name, .stopped) }
    }

    /// Applies `change` to the agent's mark at `time`; when it returns a reason and the agent's state is not the
    /// recorded one, or stays `recovering` at another step, the history records the transition with that reason.
    private func changeRecovery(
        _ name: String, at time: Timestamp, _ change: (inout AgentRecord) throws(RegistryError) -> String?
    ) throws(RegistryError) -> AgentRecord {
        let policy = currentConfiguration.policy
        return try withShard(of: name) { (shard) throws(RegistryError) -> AgentRecord in
            guard var record = shard.agents[name] else { throw .unknownAgent(name) }
            let before = record.recovery
            guard let reason = try change(&record) else {
                shard.agents[name] = record
                return record
            }
            let state = record.state(at: time, policy: policy)
            let newStep = state == .recovering && before?.step != record.recovery?.step
            if state != record.recordedState || newStep {
                shard.record(record.transition(to: state, at: time, reason: reason))
            }
            shard.agents[name] = record
            shard.dirty.insert(name)
            return record
        }
    }
}
