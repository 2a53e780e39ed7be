import Model

/// Parses PromQL text into an ``Expr``.
///
/// The whole of PromQL 2.42 on float samples is accepted, including subqueries, `@` (with `start()`/`end()`)
/// and negative offsets; malformed input is reported as ``ParseError``.
public struct Parser {
    let query: String
    var tokens: [Token]
    var index = 0
    /// How many expressions enclose the one being parsed; bounded so that no input can exhaust the stack.
    var depth = 0
    static let maximumDepth = 256

    /// Parses `query`.
    /// - Throws: ``ParseError`` for malformed queries.
    public static func parse(_ query: String) throws -> Expr {
        var lexer = Lexer(query)
        var parser = Parser(query: query, tokens: try lexer.tokenize())
        let expr = try parser.parseExpression(minPrecedence: 1)
        guard case .endOfInput = parser.current.kind else { throw parser.unexpected() }
        return expr
    }

    init(query: String, tokens: [Token]) {
        self.query = query
        self.tokens = tokens
    }

    var current: Token { tokens[min(index, tokens.count - 1)] }
    var next: Token { tokens[min(index + 1, tokens.count - 1)] }

    mutating func advance() -> Token {
        let token = current
        index = min(index + 1, tokens.count - 1)
        return token
    }

    func error(_ message: String, _ range: SourceRange) -> ParseError {
        ParseError(range: range, message: message, query: query)
    }

    func unexpected(_ context: String = "") -> ParseError {
        let suffix = context.isEmpty ? "" : " in \(context)"
        var what = current.kind.description
        if case .duration = current.kind {
            let bytes = Array(query.utf8)[current.range.start..<current.range.end]
            what = "duration \"" + String(decoding: bytes, as: UTF8.self) + "\""
        }
        return error("unexpected \(what)\(suffix)", current.range)
    }

    mutating func expect(_ kind: TokenKind, _ context: String) throws -> Token {
        guard current.kind == kind else {
            throw error(
                "unexpected \(current.kind.description) in \(context), expected \(kind.description)",
                current.range)
        }
        return advance()
    }

    /// Whether the current token is the keyword `word` (case-insensitive).
    func atKeyword(_ word: String) -> Bool {
        if case .identifier(let name) = current.kind { return name.lowercased() == word }
        return false
    }

    // MARK: - Binary expressions

    mutating func parseExpression(minPrecedence: Int) throws -> Expr {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            throw error("expression nested more than \(Self.maximumDepth) levels deep", current.range)
        }
        var lhs = try parseUnary()
        var chain = 0
        while let op = current.kind.binaryOperator, op.precedence >= minPrecedence {
            chain += 1
            if depth + chain > Self.maximumDepth {
                throw error("expression nested more than \(Self.maximumDepth) levels deep", current.range)
            }
            let opToken = advance()
            let (returnBool, matching) = try parseBinaryModifiers(op, opToken.range)
            let rhs = try parseExpression(minPrecedence: op.isRightAssociative ? op.precedence : op.precedence + 1)
            lhs = try makeBinary(op, lhs, rhs, returnBool: returnBool, matching: matching, opRange: opToken.range)
        }
        return lhs
    }

    mutating func parseUnary() throws -> Expr {
        guard current.kind == .add || current.kind == .sub else { return try parsePostfix() }
        let opToken = advance()
        let isNegation = opToken.kind == .sub
        let operand = try parseExpression(minPrecedence: BinaryOperator.pow.precedence)
        let range = opToken.range.union(operand.range)
        if case .number(var literal) = operand {
            if isNegation { literal.value = -literal.value }
            literal.range = range
            return .number(literal)
        }
        guard operand.type == .scalar || operand.type == .vector else {
            throw error(
                "unary expression only allowed on expressions of type scalar or instant vector, got "
                    + "\"\(operand.type.rawValue)\"", range)
        }
        return .unary(UnaryExpr(isNegation: isNegation, expr: operand, range: range))
    }

    mutating func parseBinaryModifiers(_ op: BinaryOperator, _ opRange: SourceRange) throws -> (Bool, VectorMatching) {
        var returnBool = false
        if atKeyword("bool") {
            _ = advance()
            guard op.isComparison else {
                throw error("bool modifier can only be used on comparison operators", opRange)
            }
            returnBool = true
        }
        var matching = VectorMatching.default
        if op.isSetOperator { matching.cardinality = .manyToMany }
        if atKeyword("on") || atKeyword("ignoring") {
            matching.on = atKeyword("on")
            matching.explicit = true
            _ = advance()
            matching.matchingLabels = try parseLabelList("vector matching")
        }
        if atKeyword("group_left") || atKeyword("group_right") {
            if op.isSetOperator { throw unexpected() }
            let token = advance()
            matching.cardinality = atKeywordText(token) == "group_left" ? .manyToOne : .oneToMany
            matching.explicit = true
            if current.kind == .leftParen { matching.include = try parseLabelList("grouping") }
            for label in matching.include where matching.on && matching.matchingLabels.contains(label) {
                throw error("label \"\(label)\" must not occur in ON and GROUP clause at once", opRange)
            }
        }
        return (returnBool, matching)
    }

    private func atKeywordText(_ token: Token) -> String {
        if case .identifier(let name) = token.kind { return name.lowercased() }
        return ""
    }

    /// Parses `(a, b, ...)` of label names.
    mutating func parseLabelList(_ context: String) throws -> [String] {
        _ = try expect(.leftParen, context)
        var labels: [String] = []
        while current.kind != .rightParen {
            guard case .identifier(let name) = current.kind, isValidLabelName(name) else {
                throw error("unexpected \(current.kind.description) in grouping opts, expected label", current.range)
            }
            labels.append(name)
            _ = advance()
            if current.kind == .comma {
                _ = advance()
            } else if current.kind != .rightParen {
                throw unexpected("grouping opts")
            }
        }
        _ = advance()
        return labels
    }
}
