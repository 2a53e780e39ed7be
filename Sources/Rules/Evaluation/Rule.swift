import Model
import PromQL

/// A rule of a group: alerting or recording.
public enum Rule: Sendable {
    /// An alerting rule.
    case alerting(AlertingRule)
    /// A recording rule.
    case recording(RecordingRule)

    /// The `alert:` or `record:` name.
    public var name: String {
        switch self {
        case .alerting(let rule): rule.name
        case .recording(let rule): rule.name
        }
    }

    /// The parsed expression.
    public var expression: Expr {
        switch self {
        case .alerting(let rule): rule.expression
        case .recording(let rule): rule.expression
        }
    }

    /// The expression, printed as Prometheus prints it in `/api/v1/rules` (`query`).
    public var query: String {
        switch self {
        case .alerting(let rule): rule.expression.description
        case .recording(let rule): rule.expression.description
        }
    }

    /// The status of the last evaluation.
    public var status: RuleStatus {
        switch self {
        case .alerting(let rule): rule.status
        case .recording(let rule): rule.status
        }
    }

    func setStatus(_ status: RuleStatus) {
        switch self {
        case .alerting(let rule): rule.setStatus(status)
        case .recording(let rule): rule.setStatus(status)
        }
    }

    func evaluate(at time: Timestamp, evaluator: Evaluator, settings: RuleEvaluationSettings) throws -> Vector {
        switch self {
        case .alerting(let rule): try rule.evaluate(at: time, evaluator: evaluator, settings: settings)
        case .recording(let rule): try rule.evaluate(at: time, evaluator: evaluator, limit: settings.limit)
        }
    }
}
