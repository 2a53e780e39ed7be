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

/// What rules need besides the query: settings of the group and the server.
public struct RuleEvaluationSettings: Sendable {
    /// `$externalLabels` in templates.
    public var externalLabels: [String: String]
    /// `$externalURL` in templates.
    public var externalURL: String
    /// The group's `limit` (0: none).
    public var limit: Int

    /// Creates settings.
    public init(externalLabels: [String: String] = [:], externalURL: String = "", limit: Int = 0) {
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.limit = limit
    }
}

/// The writable side of the series store that rules write their results to (recording rules' series,
/// `ALERTS`, `ALERTS_FOR_STATE`, stale markers). Later rules of the same evaluation read the samples back
/// through the ``Queryable`` given to ``RuleGroup/evaluate(at:queryable:sink:settings:resendDelay:)``.
public protocol RuleSampleSink {
    /// Stores one sample; `value` may be ``staleMarker``.
    func append(_ labels: Labels, timestamp: Int64, value: Double)
}
