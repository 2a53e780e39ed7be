import Model
import PromQL

/// The health of a rule after its last evaluation, as `/api/v1/rules` reports it.
public enum RuleHealth: String, Sendable, Hashable {
    /// Not evaluated yet.
    case unknown
    /// The last evaluation succeeded.
    case ok
    /// The last evaluation failed; ``RuleStatus/lastError`` says why.
    case err
}

/// What `/api/v1/rules` shows about a rule's last evaluation.
public struct RuleStatus: Sendable, Equatable {
    /// The health.
    public var health: RuleHealth = .unknown
    /// The last error's message, if the last evaluation failed.
    public var lastError: String?
    /// When the rule was last evaluated.
    public var lastEvaluation: Timestamp?
    /// How long the last evaluation took, in seconds.
    public var evaluationSeconds: Double = 0

    /// Creates a status for a rule never evaluated.
    public init() {}
}
