import Model

extension Parser {
    /// A primary expression followed by any `[range]`, `[range:step]`, `offset`, or `@` modifiers.
    mutating func parsePostfix() throws -> Expr {
        var expr = try parsePrimary()
        while true {
            if current.kind == .leftBracket {
                expr = try parseRange(expr)
            } else if atKeyword("offset") {
                expr = try parseOffset(expr)
            } else if current.kind == .at {
                expr = try parseAt(expr)
            } else {
                return expr
            }
        }
    }

    mutating func parsePrimary() throws -> Expr {
        let token = current
        switch token.kind {
        case .number(let value):
            _ = advance()
            return .number(NumberLiteral(value: value, range: token.range))
        case .string(let value):
            _ = advance()
            return .string(StringLiteral(value: value, range: token.range))
        case .leftParen:
            _ = advance()
            let inner = try parseExpression(minPrecedence: 1)
            try checkUnclosed()
            let close = try expect(.rightParen, "paren expression")
            return .paren(ParenExpr(expr: inner, range: token.range.union(close.range)))
        case .leftBrace:
            return .vectorSelector(try parseSelector(name: "", start: token.range))
        case .identifier(let name):
            return try parseIdentifierExpression(name, token)
        default:
            throw unexpected()
        }
    }

    private mutating func parseIdentifierExpression(_ name: String, _ token: Token) throws -> Expr {
        if let op = AggregateOperator(rawValue: name.lowercased()) {
            return .aggregate(try parseAggregate(op, token))
        }
        if next.kind == .leftParen {
            return .call(try parseCall(name, token))
        }
        if keywords.contains(name.lowercased()) { throw unexpected() }
        _ = advance()
        return .vectorSelector(try parseSelector(name: name, start: token.range))
    }

    private mutating func parseRange(_ expr: Expr) throws -> Expr {
        let open = advance()
        guard case .duration(let milliseconds) = current.kind else {
            if case .number = current.kind { throw error("missing unit character in duration", current.range) }
            throw unexpected("range")
        }
        _ = advance()
        if current.kind == .colon { return try parseSubquery(expr, rangeMilliseconds: milliseconds) }
        let close = try expect(.rightBracket, "range")
        guard case .vectorSelector(let selector) = expr else {
            throw error("ranges only allowed for vector selectors", open.range)
        }
        let brackets = open.range.union(close.range)
        if selector.offset != .zero { throw error("no offset modifiers allowed before range", brackets) }
        if selector.at != nil { throw error("no @ modifiers allowed before range", brackets) }
        let range = selector.range.union(close.range)
        return .matrixSelector(
            MatrixSelector(selector: selector, rangeDuration: .milliseconds(milliseconds), range: range))
    }

    /// Parses the `:step]` of `expr[range:step]` (the step may be omitted).
    private mutating func parseSubquery(_ expr: Expr, rangeMilliseconds: Int64) throws -> Expr {
        _ = advance()
        var step: PrometheusDuration?
        if case .duration(let milliseconds) = current.kind {
            _ = advance()
            if milliseconds > 0 { step = .milliseconds(milliseconds) }
        }
        let close = try expect(.rightBracket, "subquery selector")
        let range = expr.range.union(close.range)
        guard expr.type == .vector else {
            throw error("subquery is only allowed on instant vector, got \(expr.type.goName) instead", range)
        }
        return .subquery(
            SubqueryExpr(
                expr: expr, rangeDuration: .milliseconds(rangeMilliseconds), step: step, offset: .zero, at: nil,
                range: range))
    }

    private mutating func parseOffset(_ expr: Expr) throws -> Expr {
        let keyword = advance()
        var sign: Int64 = 1
        if current.kind == .sub || current.kind == .add {
            if advance().kind == .sub { sign = -1 }
        }
        guard case .duration(let milliseconds) = current.kind else { throw unexpected("offset") }
        let durationToken = advance()
        let offset = PrometheusDuration.milliseconds(sign * milliseconds)
        let range = keyword.range.union(durationToken.range)
        switch expr {
        case .vectorSelector(var selector):
            guard selector.offset == .zero else { throw error("offset may not be set multiple times", selector.range) }
            selector.offset = offset
            selector.range = selector.range.union(range)
            return .vectorSelector(selector)
        case .matrixSelector(var matrix):
            guard matrix.selector.offset == .zero else {
                throw error("offset may not be set multiple times", matrix.range)
            }
            matrix.selector.offset = offset
            matrix.range = matrix.range.union(range)
            return .matrixSelector(matrix)
        case .subquery(var subquery):
            guard subquery.offset == .zero else { throw error("offset may not be set multiple times", subquery.range) }
            subquery.offset = offset
            subquery.range = subquery.range.union(range)
            return .subquery(subquery)
        default:
            throw error(
                "offset modifier must be preceded by an instant vector selector or range vector selector "
                    + "or a subquery", range)
        }
    }

    /// Parses `@ <unix seconds>`, `@ start()` or `@ end()` after a selector or subquery.
    private mutating func parseAt(_ expr: Expr) throws -> Expr {
        let atToken = advance()
        let modifier = try parseAtTime(expr)
        let range = expr.range.union(atToken.range).union(tokens[index - 1].range)
        func alreadySet(_ at: AtModifier?, _ where: SourceRange) throws {
            if at != nil { throw error("@ <timestamp> may not be set multiple times", `where`) }
        }
        switch expr {
        case .vectorSelector(var selector):
            try alreadySet(selector.at, selector.range)
            selector.at = modifier
            selector.range = selector.range.union(range)
            return .vectorSelector(selector)
        case .matrixSelector(var matrix):
            try alreadySet(matrix.selector.at, matrix.range)
            matrix.selector.at = modifier
            matrix.range = matrix.range.union(range)
            return .matrixSelector(matrix)
        case .subquery(var subquery):
            try alreadySet(subquery.at, subquery.range)
            subquery.at = modifier
            subquery.range = subquery.range.union(range)
            return .subquery(subquery)
        default:
            throw error(
                "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                expr.range)
        }
    }

    /// The time after `@`: a signed number of seconds (kept to the millisecond), `start()` or `end()`.
    private mutating func parseAtTime(_ expr: Expr) throws -> AtModifier {
        if atKeyword("start") || atKeyword("end") {
            let isStart = atKeyword("start")
            _ = advance()
            _ = try expect(.leftParen, "@ modifier")
            _ = try expect(.rightParen, "@ modifier")
            return isStart ? .start : .end
        }
        var sign = 1.0
        if current.kind == .sub || current.kind == .add {
            if advance().kind == .sub { sign = -1 }
        }
        guard case .number(let value) = current.kind else { throw unexpected("@ modifier") }
        _ = advance()
        let seconds = sign * value
        guard seconds.isFinite, seconds < Double(Int64.max), seconds > Double(Int64.min) else {
            let shown = seconds.isNaN ? "NaN" : seconds > 0 ? "+Inf" : "-Inf"
            let text = seconds.isFinite ? GoFloat.format(seconds, verb: "f", precision: 6) : shown
            throw error("timestamp out of bounds for @ modifier: \(text)", expr.range)
        }
        let milliseconds = (seconds * 1000).rounded(.toNearestOrAwayFromZero)
        guard milliseconds < Double(Int64.max), milliseconds > Double(Int64.min) else {
            throw error(
                "timestamp out of bounds for @ modifier: \(GoFloat.format(seconds, verb: "f", precision: 6))",
                expr.range)
        }
        return .timestamp(Int64(milliseconds))
    }

    /// Parses the optional `{...}` after a metric name (or the braces of a nameless selector).
    mutating func parseSelector(name: String, start: SourceRange) throws -> VectorSelector {
        var matchers: [LabelMatcher] = []
        var range = start
        if !name.isEmpty { matchers.append(try LabelMatcher(.equal, metricNameLabel, name)) }
        if current.kind == .leftBrace {
            _ = advance()
            while current.kind != .rightBrace {
                try checkEndInsideBraces()
                matchers.append(try parseMatcher(metricName: name, selectorStart: start))
                try checkEndInsideBraces()
                if current.kind == .comma {
                    _ = advance()
                } else if current.kind != .rightBrace {
                    throw unexpected("label matching")
                }
            }
            range = range.union(advance().range)
        }
        guard matchers.contains(where: { !$0.matchesEmpty }) else {
            throw error("vector selector must contain at least one non-empty matcher", range)
        }
        return VectorSelector(name: name, matchers: matchers, offset: .zero, range: range)
    }

    private func checkEndInsideBraces() throws {
        if current.kind == .endOfInput { throw error("unexpected end of input inside braces", current.range) }
    }

    /// Fails with Prometheus' message when the input ends before a closing parenthesis.
    func checkUnclosed() throws {
        if current.kind == .endOfInput { throw error("unclosed left parenthesis", current.range) }
    }

    private mutating func parseMatcher(metricName: String, selectorStart: SourceRange) throws -> LabelMatcher {
        let nameToken = current
        guard case .identifier(let label) = nameToken.kind, isValidLabelName(label) else {
            throw unexpected("label matching")
        }
        _ = advance()
        try checkEndInsideBraces()
        let type: LabelMatcher.MatchType
        switch advance().kind {
        case .assign: type = .equal
        case .notEqual: type = .notEqual
        case .regexMatch: type = .regexMatch
        case .regexNoMatch: type = .regexNoMatch
        default:
            index -= 1
            throw unexpected("label matching")
        }
        try checkEndInsideBraces()
        guard case .string(let value) = current.kind else { throw unexpected("label matching") }
        let valueToken = advance()
        if label == metricNameLabel, !metricName.isEmpty {
            throw error(
                "metric name must not be set twice: \(GoFormat.quote(metricName)) or \(GoFormat.quote(value))",
                selectorStart)
        }
        do throws(RegexSyntaxError) {
            let matcher = try LabelMatcher(type, label, value)
            // Prometheus 2.42 also parses the pattern as written, so `a)|(b`, valid once anchored, is refused.
            if matcher.type == .regexMatch || matcher.type == .regexNoMatch,
                let error = AnchoredRegex.syntaxError(unanchored: value)
            {
                throw error
            }
            return matcher
        } catch {
            throw self.error(error.description, nameToken.range.union(valueToken.range))
        }
    }
}
