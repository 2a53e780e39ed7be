import Model

/// Renders expressions back to PromQL text; parsing the output gives the same tree.
extension Expr: CustomStringConvertible {
    /// The expression as PromQL text.
    public var description: String {
        switch self {
        case .number(let node): formatNumber(node.value)
        case .string(let node): GoFormat.quote(node.value)
        case .vectorSelector(let node): node.description
        case .matrixSelector(let node): node.description
        case .paren(let node): "(" + node.expr.description + ")"
        case .unary(let node): (node.isNegation ? "-" : "+") + node.expr.description
        case .binary(let node): node.description
        case .call(let node): node.function.name + "(" + node.args.map(\.description).joined(separator: ", ") + ")"
        case .aggregate(let node): node.description
        case .subquery(let node): node.description
        }
    }
}

extension VectorSelector: CustomStringConvertible {
    /// The selector without its offset.
    var selectorText: String {
        let shown = matchers.filter { !(name != "" && $0.name == metricNameLabel && $0.type == .equal) }
        let inner = shown.map { "\($0.name)\($0.type.rawValue)\(GoFormat.quote($0.value))" }.joined(separator: ", ")
        return inner.isEmpty && !name.isEmpty ? name : name + "{" + inner + "}"
    }

    /// The selector as PromQL text, including its `@` and offset.
    public var description: String {
        selectorText + modifierText(at: at, offset: offset)
    }
}

extension MatrixSelector: CustomStringConvertible {
    /// The range selector as PromQL text, including its `@` and offset.
    public var description: String {
        selector.selectorText + "[\(rangeDuration)]" + modifierText(at: selector.at, offset: selector.offset)
    }
}

extension SubqueryExpr: CustomStringConvertible {
    /// The subquery as PromQL text (`expr[range:step]`), including its `@` and offset.
    public var description: String {
        expr.description + "[\(rangeDuration):" + (step.map { "\($0)" } ?? "") + "]"
            + modifierText(at: at, offset: offset)
    }
}

/// ` @ <time>` and ` offset <duration>` as Prometheus prints them (`@` first, seconds with 3 decimals).
private func modifierText(at: AtModifier?, offset: PrometheusDuration) -> String {
    var text = ""
    switch at {
    case .timestamp(let milliseconds):
        text += " @ " + GoFloat.format(Double(milliseconds) / 1000, verb: "f", precision: 3)
    case .start: text += " @ start()"
    case .end: text += " @ end()"
    case nil: break
    }
    if offset.milliseconds > 0 { text += " offset \(offset)" }
    if offset.milliseconds < 0 { text += " offset -\(-offset)" }
    return text
}

extension BinaryExpr: CustomStringConvertible {
    /// The operation as PromQL text, with its `bool`, `on`/`ignoring` and `group_*` modifiers.
    public var description: String {
        var modifiers = returnBool ? " bool" : ""
        if matching.explicit {
            if matching.on || !matching.matchingLabels.isEmpty {
                let labels = matching.matchingLabels.joined(separator: ", ")
                modifiers += (matching.on ? " on(" : " ignoring(") + labels + ")"
            }
            if matching.cardinality == .manyToOne || matching.cardinality == .oneToMany {
                modifiers += matching.cardinality == .manyToOne ? " group_left" : " group_right"
                modifiers += "(" + matching.include.joined(separator: ", ") + ")"
            }
        }
        return lhs.description + " " + op.rawValue + modifiers + " " + rhs.description
    }
}

extension AggregateExpr: CustomStringConvertible {
    /// The aggregation as PromQL text, grouping clause first.
    public var description: String {
        var text = op.rawValue
        if hasGroupingClause {
            text += (without ? " without (" : " by (") + grouping.joined(separator: ", ") + ") "
        }
        let args = (param.map { [$0.description] } ?? []) + [expr.description]
        return text + "(" + args.joined(separator: ", ") + ")"
    }
}

/// Formats a number the way PromQL literals are written.
func formatNumber(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
    if value == 0, value.sign == .minus { return "-0" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}
