import Model

/// Why the registry forgot an agent on its own (an operator's `DELETE` is not counted here).
public enum ForgetReason: String, Sendable, CaseIterable {
    /// Stopped for longer than `stopped_retention`, or an ephemeral agent that stopped.
    case stopped
    /// Unreachable for longer than `forget_after` (at once for an ephemeral agent when `forget_after` is not set).
    case unreachable
}

/// One agent a sweep forgot: removed from the registry, `/metrics` and, at the next commit, storage.
public struct ForgottenAgent: Sendable, Equatable {
    public var name: String
    public var reason: ForgetReason
    public var at: Timestamp

    public init(name: String, reason: ForgetReason, at: Timestamp) {
        self.name = name
        self.reason = reason
        self.at = at
    }
}

/// What the registry keeps of the agents it forgot: the ones not yet logged, and the counts since start.
struct ForgetLog {
    /// Forgotten since the last ``AgentRegistry/drainForgotten()``; bounded, the oldest dropped first.
    var pending: [ForgottenAgent] = []
    var counts: [ForgetReason: UInt64] = [:]
    /// Every agent removed since the last ``AgentRegistry/drainRemoved()``, however (forgotten, deleted, merged
    /// away): their alerts end with them.
    var removed: Set<String> = []
    static let pendingLimit = 10_000
}

extension AgentRegistry {
    /// Agents forgotten since start, per reason, for `heartbeat_exporter_agents_forgotten_total{reason}`.
    public var forgottenByReason: [ForgetReason: UInt64] { forgetLog.withLock { $0.counts } }

    /// Takes the agents forgotten since the previous call, oldest first, for the log (`msg=forgotten`).
    public func drainForgotten() -> [ForgottenAgent] {
        forgetLog.withLock { log in
            defer { log.pending.removeAll(keepingCapacity: true) }
            return log.pending
        }
    }

    /// Takes the names of the agents removed from the registry since the previous call, however they went
    /// (forgotten, deleted by an operator, deleted on another node): the rule engine ends their alerts
    /// (``RuleEngine/endAlerts(ofAgents:)``), which `keep_firing_for` would otherwise keep firing for an agent
    /// that no longer exists.
    public func drainRemoved() -> Set<String> {
        forgetLog.withLock { log in
            defer { log.removed.removeAll(keepingCapacity: true) }
            return log.removed
        }
    }

    func noteRemoved(_ name: String) {
        forgetLog.withLock { log in
            if log.removed.count < ForgetLog.pendingLimit { log.removed.insert(name) }
        }
    }

    func noteForgotten(_ agent: ForgottenAgent) {
        forgetLog.withLock { log in
            log.counts[agent.reason, default: 0] += 1
            log.pending.append(agent)
            if log.pending.count > ForgetLog.pendingLimit { log.pending.removeFirst() }
        }
    }

    /// Whether an agent judged `state` at `now` has been unreachable for its `forget_after` (an ephemeral agent's
    /// silence never counts degraded, so its time unreachable starts when it turns so).
    static func isForgettable(
        _ record: AgentRecord, state: HealthState, at now: Timestamp, policy: HealthPolicy
    ) -> Bool {
        guard state == .unreachable,
            let forgetAfter = policy.forgetAfter(agentType: record.agentType, ephemeral: record.ephemeral)
        else { return false }
        let since = record.recordedState == .unreachable ? record.stateSince : now
        return now - since >= forgetAfter
    }
}
