import Model

extension Parser {
    /// A primary expression followed by any `[range]`, `offset`, or `@` modifiers.
    mutating func parsePostfix() throws -> Expr {
        var expr = try parsePrimary()
        while true {
            if current.kind == .leftBracket {
                expr = try parseRange(expr)
            } else if atKeyword("offset") {
                expr = try parseOffset(expr)
            } else if current.kind == .at {
                throw UnsupportedError(construct: "@ modifier", range: current.range)
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
        if current.kind == .colon { throw UnsupportedError(construct: "subquery", range: open.range) }
        let close = try expect(.rightBracket, "range")
        guard case .vectorSelector(let selector) = expr else {
            throw error("ranges only allowed for vector selectors", open.range)
        }
        if selector.offset != .zero { throw error("no offset modifiers allowed before range", close.range) }
        let range = selector.range.union(close.range)
        return .matrixSelector(
            MatrixSelector(selector: selector, rangeDuration: .milliseconds(milliseconds), range: range))
    }

    private mutating func parseOffset(_ expr: Expr) throws -> Expr {
        let keyword = advance()
        var sign: Int64 = 1
        if current.kind == .sub || current.kind == .add {
            if advance().kind == .sub { sign = -1 }
        }
        guard case .duration(let milliseconds) = current.kind else { throw unexpected("offset") }
        let durationToken = advance()
        let offset = sign * milliseconds
        let range = keyword.range.union(durationToken.range)
        if offset < 0 { throw UnsupportedError(construct: "negative offset", range: range) }
        switch expr {
        case .vectorSelector(var selector):
            guard selector.offset == .zero else { throw error("offset may not be set multiple times", selector.range) }
            selector.offset = .milliseconds(offset)
            selector.range = selector.range.union(range)
            return .vectorSelector(selector)
        case .matrixSelector(var matrix):
            guard matrix.selector.offset == .zero else {
                throw error("offset may not be set multiple times", matrix.range)
            }
            matrix.selector.offset = .milliseconds(offset)
            matrix.range = matrix.range.union(range)
            return .matrixSelector(matrix)
        default:
            throw error(
                "offset modifier must be preceded by an instant vector selector or range vector selector "
                    + "or a subquery", range)
        }
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
