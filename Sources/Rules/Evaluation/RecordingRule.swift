import Model
import PromQL
import Synchronization

/// A recording rule: stores its expression's result under a new metric name with extra labels.
public final class RecordingRule: Sendable {
    /// The `record:` name, the new metric name.
    public let name: String
    /// The parsed expression.
    public let expression: Expr
    /// The `labels:` set on every result (an empty value removes the label).
    public let labels: [Label]
    /// The status of the last evaluation.
    private let statusState = Mutex(RuleStatus())  // protects the status of the last evaluation

    /// Creates a rule.
    public init(name: String, expression: Expr, labels: [Label] = []) {
        self.name = name
        self.expression = expression
        self.labels = labels
    }

    /// The status of the last evaluation.
    public var status: RuleStatus { statusState.withLock { $0 } }

    func setStatus(_ status: RuleStatus) { statusState.withLock { $0 = status } }

    /// Evaluates at `time` and returns the samples to store, as Prometheus' `RecordingRule.Eval`.
    /// - Throws: the query's error, ``RuleEvaluationError`` on duplicate series or an exceeded limit.
    func evaluate(at time: Timestamp, evaluator: Evaluator, limit: Int) throws -> Vector {
        var vector = try queryVector(expression, evaluator: evaluator, at: time)
        for index in vector.indices {
            var result = vector[index].labels.setting(metricNameLabel, to: name)
            for label in labels { result = result.setting(label.name, to: label.value) }
            vector[index].labels = result
            vector[index].timestamp = time.milliseconds
        }
        if Set(vector.map(\.labels)).count != vector.count {
            throw RuleEvaluationError("vector contains metrics with the same labelset after applying rule labels")
        }
        if limit > 0, vector.count > limit {
            throw RuleEvaluationError("exceeded limit of \(limit) with \(vector.count) series")
        }
        return vector
    }
}

/// A rule evaluation failure of the rule engine itself (the query's own errors pass through unchanged).
public struct RuleEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, worded as Prometheus words it.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// Runs an instant query and converts the result as Prometheus' `EngineQueryFunc` does: a scalar becomes
/// a one-element vector without labels; strings and matrices are errors.
func queryVector(_ expression: Expr, evaluator: Evaluator, at time: Timestamp) throws -> Vector {
    switch try evaluator.evaluate(expression, at: time) {
    case .vector(let vector): return vector
    case .scalar(let value): return [Sample(labels: .empty, value: value, timestamp: time.milliseconds)]
    default: throw RuleEvaluationError("rule result is not a vector or scalar")
    }
}
