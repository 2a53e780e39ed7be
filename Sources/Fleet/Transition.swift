import Model

/// One change of an agent's health state, as kept in its history.
public struct Transition: Sendable, Equatable {
    public var agent: String
    /// The state before; nil for the agent's first heartbeat.
    public var from: HealthState?
    public var to: HealthState
    public var at: Timestamp
    /// Why it happened, for the operator: "no heartbeat for 1m30s", "killed by alice: runaway cost".
    public var reason: String

    public init(agent: String, from: HealthState?, to: HealthState, at: Timestamp, reason: String) {
        self.agent = agent
        self.from = from
        self.to = to
        self.at = at
        self.reason = reason
    }
}

/// Who did an operator action, and why.
public struct OperatorAction: Sendable, Equatable {
    public var reason: String?
    public var by: String?
    public var at: Timestamp

    public init(reason: String? = nil, by: String? = nil, at: Timestamp) {
        self.reason = reason
        self.by = by
        self.at = at
    }

    /// "killed by alice: runaway cost", "resumed", …
    func describe(_ verb: String) -> String {
        var text = verb
        if let by { text += " by \(by)" }
        if let reason, !reason.isEmpty { text += ": \(reason)" }
        return text
    }
}
