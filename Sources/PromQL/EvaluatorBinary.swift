#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension EvaluationContext {
    func evalBinary(_ node: BinaryExpr) throws -> Value {
        let lhs = try eval(node.lhs)
        let rhs = try eval(node.rhs)
        switch (lhs, rhs) {
        case (.scalar(let left), .scalar(let right)):
            let (value, keep) = applyOperator(node.op, left, right)
            return .scalar(node.returnBool ? (keep ? 1 : 0) : value)
        case (.vector(let vector), .scalar(let scalar)):
            return .vector(try vectorScalar(node, vector, scalar, scalarOnLeft: false))
        case (.scalar(let scalar), .vector(let vector)):
            return .vector(try vectorScalar(node, vector, scalar, scalarOnLeft: true))
        case (.vector(let left), .vector(let right)):
            let result: Vector
            switch node.op {
            case .and: result = intersect(left, right, node.matching)
            case .or: result = union(left, right, node.matching)
            case .unless: result = subtract(left, right, node.matching)
            default: result = try vectorVector(node, left, right)
            }
            try ensureUniqueLabelsets(result)
            return .vector(result)
        default:
            throw EvaluationError("binary operator \(node.op.rawValue) is not defined for these operand types")
        }
    }

    private func vectorScalar(_ node: BinaryExpr, _ vector: Vector, _ scalar: Double, scalarOnLeft: Bool) throws
        -> Vector
    {
        var result: Vector = []
        result.reserveCapacity(vector.count)
        let dropName = node.returnBool || node.op.dropsMetricName
        for sample in vector {
            let (left, right) = scalarOnLeft ? (scalar, sample.value) : (sample.value, scalar)
            var (value, keep) = applyOperator(node.op, left, right)
            if node.op.isComparison { value = sample.value }
            if node.returnBool {
                value = keep ? 1 : 0
                keep = true
            }
            guard keep else { continue }
            let labels = dropName ? sample.labels.droppingMetricName() : sample.labels
            result.append(Sample(labels: labels, value: value, timestamp: time))
        }
        if dropName { try ensureUniqueAfterDroppingNames(result, inputNames: vector.lazy.map(\.labels)) }
        return result
    }
}

/// Applies an arithmetic or comparison operator; for comparisons, returns the left value and the outcome.
@inline(__always)
func applyOperator(_ op: BinaryOperator, _ left: Double, _ right: Double) -> (value: Double, keep: Bool) {
    switch op {
    case .add: (left + right, true)
    case .sub: (left - right, true)
    case .mul: (left * right, true)
    case .div: (left / right, true)
    case .mod: (fmod(left, right), true)
    case .pow: (pow(left, right), true)
    case .atan2: (atan2(left, right), true)
    case .equal: (left, left == right)
    case .notEqual: (left, left != right)
    case .less: (left, left < right)
    case .lessOrEqual: (left, left <= right)
    case .greater: (left, left > right)
    case .greaterOrEqual: (left, left >= right)
    case .and, .or, .unless: (left, false)
    }
}
