import Model

extension Parser {
    /// Parses `name(args...)` and checks arity and argument types.
    mutating func parseCall(_ name: String, _ nameToken: Token) throws -> Call {
        guard let function = Function.named(name) else {
            throw error("unknown function with name \(GoFormat.quote(name))", nameToken.range)
        }
        _ = advance()
        let (args, close) = try parseArguments("function call")
        let range = nameToken.range.union(close)
        try checkArity(function, args.count, range)
        for (position, arg) in args.enumerated() {
            let expected = function.argTypes[min(position, function.argTypes.count - 1)]
            try expectType(arg, expected, "call to function \(GoFormat.quote(name))")
        }
        return Call(function: function, args: args, range: range)
    }

    /// Parses `(a, b, ...)` of expressions; returns them and the range of the closing parenthesis.
    mutating func parseArguments(_ context: String) throws -> ([Expr], SourceRange) {
        _ = try expect(.leftParen, context)
        var args: [Expr] = []
        while current.kind != .rightParen {
            try checkUnclosed()
            args.append(try parseExpression(minPrecedence: 1))
            try checkUnclosed()
            if current.kind == .comma {
                _ = advance()
            } else if current.kind != .rightParen {
                throw unexpected(context)
            }
        }
        return (args, advance().range)
    }

    private func checkArity(_ function: Function, _ count: Int, _ range: SourceRange) throws {
        let declared = function.argTypes.count
        let name = GoFormat.quote(function.name)
        if function.variadic == 0, count != declared {
            throw error("expected \(declared) argument(s) in call to \(name), got \(count)", range)
        }
        let minimum = function.variadic < 0 ? declared - 1 : declared - function.variadic
        if count < minimum {
            throw error("expected at least \(minimum) argument(s) in call to \(name), got \(count)", range)
        }
        if function.variadic > 0, count > declared {
            throw error("expected at most \(declared) argument(s) in call to \(name), got \(count)", range)
        }
    }

    func expectType(_ expr: Expr, _ expected: ValueType, _ context: String) throws {
        guard expr.type == expected else {
            throw error("expected type \(expected.rawValue) in \(context), got \(expr.type.rawValue)", expr.range)
        }
    }

    /// Parses an aggregation with its grouping clause before or after the arguments.
    mutating func parseAggregate(_ op: AggregateOperator, _ opToken: Token) throws -> AggregateExpr {
        _ = advance()
        var grouping: (labels: [String], without: Bool)?
        if atKeyword("by") || atKeyword("without") { grouping = try parseGrouping() }
        let (args, close) = try parseArguments("aggregation")
        var range = opToken.range.union(close)
        if grouping == nil, atKeyword("by") || atKeyword("without") {
            grouping = try parseGrouping()
            range = range.union(tokens[index - 1].range)
        }
        let expected = op.takesParameter ? 2 : 1
        guard args.count == expected else {
            throw error(
                "wrong number of arguments for aggregate expression provided, expected \(expected), "
                    + "got \(args.count)", range)
        }
        let expr = args[expected - 1]
        try expectType(expr, .vector, "aggregation expression")
        if op.takesParameter { try expectType(args[0], op.parameterType, "aggregation parameter") }
        return AggregateExpr(
            op: op, expr: expr, param: op.takesParameter ? args[0] : nil, grouping: grouping?.labels ?? [],
            without: grouping?.without ?? false, hasGroupingClause: grouping != nil, range: range)
    }

    private mutating func parseGrouping() throws -> (labels: [String], without: Bool) {
        let without = atKeyword("without")
        _ = advance()
        return (try parseLabelList("grouping"), without)
    }

    /// Builds a binary expression after checking operand types like Prometheus.
    func makeBinary(
        _ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, returnBool: Bool, matching: VectorMatching,
        opRange: SourceRange
    ) throws -> Expr {
        let range = lhs.range.union(rhs.range)
        for side in [lhs, rhs] where side.type != .scalar && side.type != .vector {
            throw error("binary expression must contain only scalar and instant vector types", side.range)
        }
        let bothVectors = lhs.type == .vector && rhs.type == .vector
        if op.isComparison, !returnBool, lhs.type == .scalar, rhs.type == .scalar {
            throw error("comparisons between scalars must use BOOL modifier", opRange)
        }
        if op.isSetOperator, !bothVectors {
            throw error("set operator \(GoFormat.quote(op.rawValue)) not allowed in binary scalar expression", range)
        }
        if matching.explicit, !bothVectors {
            throw error("vector matching only allowed between instant vectors", range)
        }
        return .binary(BinaryExpr(op: op, lhs: lhs, rhs: rhs, returnBool: returnBool, matching: matching, range: range))
    }
}
