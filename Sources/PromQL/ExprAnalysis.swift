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
        case .subquery(let node): [node.expr]
        }
    }

    /// How far back from the evaluation time the expression reads samples.
    ///
    /// A store that keeps at least this much history answers the expression like a full one: each
    /// selector needs its offset plus its range, or plus `lookbackDelta` for an instant selector, plus the
    /// range, step and offset of the subqueries around it. Selectors pinned to a fixed time (`@ 1700000000`)
    /// are not counted: no window behind the evaluation time holds them (see ``selectorReaches``).
    public func requiredHistory(
        lookbackDelta: PrometheusDuration = .minutes(5), defaultSubqueryStep: PrometheusDuration = .minutes(1)
    ) -> PrometheusDuration {
        selectorReaches(lookbackDelta: lookbackDelta, defaultSubqueryStep: defaultSubqueryStep)
            .filter { $0.fixedTime == nil }.map(\.history).max() ?? .zero
    }

    /// Every selector of the expression, in source order, with how far back from the evaluation time it
    /// reads (never less than zero: a negative offset reads after the evaluation time).
    ///
    /// A selector inside a subquery `[range:step] offset o` reads up to `o + range + step` further back (the
    /// step covers the alignment of the subquery's first step); `@ start()` and `@ end()` count as the
    /// evaluation time (they are, for a rule); a fixed `@` time is reported in ``SelectorReach/fixedTime``.
    public func selectorReaches(
        lookbackDelta: PrometheusDuration = .minutes(5), defaultSubqueryStep: PrometheusDuration = .minutes(1)
    ) -> [SelectorReach] {
        var reaches: [SelectorReach] = []
        collectReaches(
            shift: .zero, fixedTime: nil, lookbackDelta: lookbackDelta, defaultSubqueryStep: defaultSubqueryStep,
            into: &reaches)
        return reaches
    }

    private func collectReaches(
        shift: PrometheusDuration, fixedTime: Int64?, lookbackDelta: PrometheusDuration,
        defaultSubqueryStep: PrometheusDuration, into reaches: inout [SelectorReach]
    ) {
        /// The shift and fixed time that hold under a node with this `@` modifier.
        func pinned(_ at: AtModifier?) -> (PrometheusDuration, Int64?) {
            switch at {
            case nil: (shift, fixedTime)
            case .start, .end: (.zero, nil)
            case .timestamp(let milliseconds): (.zero, milliseconds)
            }
        }
        switch self {
        case .vectorSelector(let selector):
            let (base, time) = pinned(selector.at)
            let history = base + selector.offset + lookbackDelta
            reaches.append(SelectorReach(matchers: selector.matchers, history: max(history, .zero), fixedTime: time))
        case .matrixSelector(let matrix):
            let (base, time) = pinned(matrix.selector.at)
            let history = base + matrix.selector.offset + matrix.rangeDuration
            reaches.append(
                SelectorReach(matchers: matrix.selector.matchers, history: max(history, .zero), fixedTime: time))
        case .subquery(let subquery):
            let (base, time) = pinned(subquery.at)
            let inner = base + subquery.offset + subquery.rangeDuration + (subquery.step ?? defaultSubqueryStep)
            subquery.expr.collectReaches(
                shift: inner, fixedTime: time, lookbackDelta: lookbackDelta,
                defaultSubqueryStep: defaultSubqueryStep, into: &reaches)
        default:
            for child in children {
                child.collectReaches(
                    shift: shift, fixedTime: fixedTime, lookbackDelta: lookbackDelta,
                    defaultSubqueryStep: defaultSubqueryStep, into: &reaches)
            }
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

/// One selector of an expression and how far back it reads (see ``Expr/selectorReaches(lookbackDelta:defaultSubqueryStep:)``).
public struct SelectorReach: Sendable {
    /// The selector's matchers (the metric name is an `__name__` equality matcher among them).
    public var matchers: [LabelMatcher]
    /// How far back it reads, from the evaluation time or, when ``fixedTime`` is set, from that time.
    public var history: PrometheusDuration
    /// The fixed time (ms) an `@ <time>` on the selector or a subquery around it pins it to, nil when it
    /// reads relative to the evaluation time.
    public var fixedTime: Int64?
}
