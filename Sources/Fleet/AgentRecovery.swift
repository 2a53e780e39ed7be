import Model

/// A recovery ladder's mark on an agent while it restarts or replaces it: which ladder, which step, since when.
///
/// Set and cleared only through ``AgentRegistry/beginRecovery(_:ladder:step:at:)``,
/// ``AgentRegistry/setRecoveryStep(_:step:at:)`` and ``AgentRegistry/endRecovery(_:reason:at:)``; while set,
/// the agent's state is ``HealthState/recovering`` (unless it is killed or stopped).
public struct AgentRecovery: Sendable, Equatable {
    /// The ladder's name, as configured (`workers`).
    public var ladder: String
    /// The step running or waiting (`restart`, `replace`).
    public var step: String
    /// When the run began (its first step).
    public var since: Timestamp
    /// When the current step began.
    public var stepSince: Timestamp

    /// Creates a mark.
    public init(ladder: String, step: String, since: Timestamp, stepSince: Timestamp) {
        self.ladder = ladder
        self.step = step
        self.since = since
        self.stepSince = stepSince
    }
}
