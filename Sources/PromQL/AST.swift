import Model

/// A parsed PromQL expression. Every node carries the source range it was parsed from.
public indirect enum Expr: Sendable {
    /// A number literal such as `1.5`.
    case number(NumberLiteral)
    /// A string literal such as `"x"`.
    case string(StringLiteral)
    /// An instant vector selector such as `up{job="a"} offset 5m`.
    case vectorSelector(VectorSelector)
    /// A range vector selector such as `up[5m]`.
    case matrixSelector(MatrixSelector)
    /// A parenthesized expression.
    case paren(ParenExpr)
    /// A unary `-` or `+`.
    case unary(UnaryExpr)
    /// A binary operation.
    case binary(BinaryExpr)
    /// A function call.
    case call(Call)
    /// An aggregation such as `sum by (a) (x)`.
    case aggregate(AggregateExpr)
    /// A subquery such as `rate(x[5m])[1h:1m]`.
    case subquery(SubqueryExpr)

    /// Where the expression is in the query.
    public var range: SourceRange {
        switch self {
        case .number(let node): node.range
        case .string(let node): node.range
        case .vectorSelector(let node): node.range
        case .matrixSelector(let node): node.range
        case .paren(let node): node.range
        case .unary(let node): node.range
        case .binary(let node): node.range
        case .call(let node): node.range
        case .aggregate(let node): node.range
        case .subquery(let node): node.range
        }
    }

    /// The type the expression evaluates to.
    public var type: ValueType {
        switch self {
        case .number: .scalar
        case .string: .string
        case .vectorSelector: .vector
        case .matrixSelector: .matrix
        case .paren(let node): node.expr.type
        case .unary(let node): node.expr.type
        case .binary(let node): node.lhs.type == .scalar && node.rhs.type == .scalar ? .scalar : .vector
        case .call(let node): node.function.returnType
        case .aggregate: .vector
        case .subquery: .matrix
        }
    }

    /// The expression without enclosing parentheses.
    public var unparenthesized: Expr {
        if case .paren(let node) = self { return node.expr.unparenthesized }
        return self
    }
}

/// A number literal.
public struct NumberLiteral: Sendable {
    /// The value.
    public var value: Double
    /// Where it is.
    public var range: SourceRange
}

/// A string literal.
public struct StringLiteral: Sendable {
    /// The value, unescaped.
    public var value: String
    /// Where it is.
    public var range: SourceRange
}

/// An instant vector selector.
public struct VectorSelector: Sendable {
    /// The metric name written before the braces, or "" if none.
    public var name: String
    /// All matchers, including `__name__="name"` for a written metric name.
    public var matchers: [LabelMatcher]
    /// The `offset` (zero when absent; negative offsets read after the evaluation time).
    public var offset: PrometheusDuration
    /// The `@` modifier, nil when absent.
    public var at: AtModifier? = nil
    /// Where it is.
    public var range: SourceRange
}

/// The time an `@` modifier pins a selector or subquery to.
public enum AtModifier: Sendable, Equatable {
    /// `@ <unix seconds>`, held in milliseconds.
    case timestamp(Int64)
    /// `@ start()`: the start of the range query (the evaluation time of an instant query).
    case start
    /// `@ end()`: the end of the range query (the evaluation time of an instant query).
    case end
}

/// A subquery: an instant-vector expression evaluated at steps over a range, giving a range vector.
public struct SubqueryExpr: Sendable {
    /// The expression evaluated at each step.
    public var expr: Expr
    /// How far back the subquery reaches (`1h` in `x[1h:1m]`).
    public var rangeDuration: PrometheusDuration
    /// The step (`1m` in `x[1h:1m]`); nil when omitted (`x[1h:]`): the evaluator's default step then.
    public var step: PrometheusDuration?
    /// The `offset` (zero when absent).
    public var offset: PrometheusDuration
    /// The `@` modifier, nil when absent.
    public var at: AtModifier?
    /// Where it is.
    public var range: SourceRange
}

/// A range vector selector: a vector selector and a range.
public struct MatrixSelector: Sendable {
    /// The selector.
    public var selector: VectorSelector
    /// How far back the selector reaches (`5m` in `x[5m]`).
    public var rangeDuration: PrometheusDuration
    /// Where it is.
    public var range: SourceRange
}

/// A parenthesized expression.
public struct ParenExpr: Sendable {
    /// The inner expression.
    public var expr: Expr
    /// Where it is.
    public var range: SourceRange
}

/// A unary operation.
public struct UnaryExpr: Sendable {
    /// Whether the operator is `-` (otherwise `+`).
    public var isNegation: Bool
    /// The operand.
    public var expr: Expr
    /// Where it is.
    public var range: SourceRange
}

/// How the two sides of a binary operation between vectors are matched.
public struct VectorMatching: Sendable {
    /// Which side may have several series per match group.
    public enum Cardinality: Sendable {
        /// Each side has at most one series per match group (the default for arithmetic and comparisons).
        case oneToOne
        /// `group_left`: the left side may have several series per group.
        case manyToOne
        /// `group_right`: the right side may have several series per group.
        case oneToMany
        /// `and`, `or`, `unless`.
        case manyToMany
    }

    /// The cardinality.
    public var cardinality: Cardinality
    /// Whether `on(...)` was used (otherwise `ignoring(...)` or nothing).
    public var on: Bool
    /// The labels listed in `on(...)` / `ignoring(...)`.
    public var matchingLabels: [String]
    /// The labels listed in `group_left(...)` / `group_right(...)`.
    public var include: [String]
    /// Whether `on`/`ignoring` was written at all (for printing).
    public var explicit: Bool

    /// The default matching: one-to-one on all labels.
    public static let `default` = VectorMatching(
        cardinality: .oneToOne, on: false, matchingLabels: [], include: [], explicit: false)
}

/// A binary operation.
public struct BinaryExpr: Sendable {
    /// The operator.
    public var op: BinaryOperator
    /// The left operand.
    public var lhs: Expr
    /// The right operand.
    public var rhs: Expr
    /// Whether `bool` was given (comparisons only).
    public var returnBool: Bool
    /// The vector matching, for operations between two vectors.
    public var matching: VectorMatching
    /// Where it is.
    public var range: SourceRange
}

/// A function call.
public struct Call: Sendable {
    /// The function.
    public var function: Function
    /// The arguments.
    public var args: [Expr]
    /// Where it is.
    public var range: SourceRange
}

/// An aggregation.
public struct AggregateExpr: Sendable {
    /// The aggregation operator.
    public var op: AggregateOperator
    /// The aggregated expression.
    public var expr: Expr
    /// The parameter of `topk`, `bottomk`, `quantile`.
    public var param: Expr?
    /// The labels of `by`/`without`.
    public var grouping: [String]
    /// Whether `without` was used.
    public var without: Bool
    /// Whether a `by`/`without` clause was written.
    public var hasGroupingClause: Bool
    /// Where it is.
    public var range: SourceRange
}
