import Model

extension Expr {
    /// The direct sub-expressions.
    public var children: [Expr] {
        switch self {
        case .number, .string, .vectorSelector, .matrixSelector: []
        case .paren(let node): [node.expr]
        case .unary(let node): [node.expr]
        case .binary(let node): [node.lhs, node.rhs]
        case .call(let node): node.args
        case .aggregate(let node): (node.param.map { [$0] } ?? []) + [node.expr]
        }
    }

    /// How far back from the evaluation time the expression reads samples, in milliseconds.
    ///
    /// A store that keeps at least this much history answers the expression like a full one: each
    /// selector needs its offset plus its range, or plus `lookbackDelta` for an instant selector.
    public func requiredHistory(lookbackDelta: PrometheusDuration = .minutes(5)) -> PrometheusDuration {
        switch self {
        case .vectorSelector(let selector): selector.offset + lookbackDelta
        case .matrixSelector(let matrix): matrix.selector.offset + matrix.rangeDuration
        default: children.map { $0.requiredHistory(lookbackDelta: lookbackDelta) }.max() ?? .zero
        }
    }

    /// The label matchers of every selector in the expression, in source order.
    public var selectorMatchers: [[LabelMatcher]] {
        switch self {
        case .vectorSelector(let selector): [selector.matchers]
        case .matrixSelector(let matrix): [matrix.selector.matchers]
        default: children.flatMap(\.selectorMatchers)
        }
    }
}
