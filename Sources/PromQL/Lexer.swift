/// Splits a PromQL query into tokens.
struct Lexer {
    let bytes: [UInt8]
    private let query: String
    var offset = 0

    init(_ query: String) {
        self.query = query
        self.bytes = Array(query.utf8)
    }

    /// All tokens of the query, ending with `.endOfInput`.
    mutating func tokenize() throws(ParseError) -> [Token] {
        var tokens: [Token] = []
        while true {
            skipWhitespaceAndComments()
            let start = offset
            guard offset < bytes.count else {
                tokens.append(Token(kind: .endOfInput, range: SourceRange(start, start)))
                return tokens
            }
            let kind = try nextKind()
            tokens.append(Token(kind: kind, range: SourceRange(start, offset)))
        }
    }

    func peek(_ ahead: Int = 0) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    private mutating func skipWhitespaceAndComments() {
        while let byte = peek() {
            if byte == 32 || byte == 9 || byte == 10 || byte == 13 {
                offset += 1
            } else if byte == UInt8(ascii: "#") {
                while let next = peek(), next != 10 { offset += 1 }
            } else {
                return
            }
        }
    }

    func error(_ message: String, at start: Int) -> ParseError {
        ParseError(range: SourceRange(start, max(start, offset)), message: message, query: query)
    }

    private mutating func nextKind() throws(ParseError) -> TokenKind {
        let byte = bytes[offset]
        if isDigit(byte) || (byte == UInt8(ascii: ".") && peek(1).map(isDigit) == true) {
            return try lexNumberOrDuration()
        }
        if isLetter(byte) || byte == UInt8(ascii: ":") && isIdentifierContext() {
            return lexIdentifier()
        }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") {
            return try lexString(quote: byte)
        }
        return try lexOperator()
    }

    /// A colon starts an identifier (recording-rule names like `:foo`) unless it separates subquery parts.
    private func isIdentifierContext() -> Bool {
        peek(1).map { isLetter($0) || $0 == UInt8(ascii: ":") } ?? false
    }

    private mutating func lexIdentifier() -> TokenKind {
        let start = offset
        while let byte = peek(), isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: ":") { offset += 1 }
        let word = String(decoding: bytes[start..<offset], as: UTF8.self)
        switch word.lowercased() {
        case "inf": return .number(.infinity)
        case "nan": return .number(.nan)
        default: return .identifier(word)
        }
    }

    private mutating func lexOperator() throws(ParseError) -> TokenKind {
        let start = offset
        let byte = bytes[offset]
        offset += 1
        let next = peek()
        func two(_ kind: TokenKind) -> TokenKind { offset += 1; return kind }
        switch UnicodeScalar(byte) {
        case "(": return .leftParen
        case ")": return .rightParen
        case "{": return .leftBrace
        case "}": return .rightBrace
        case "[": return .leftBracket
        case "]": return .rightBracket
        case ",": return .comma
        case ":": return .colon
        case "@": return .at
        case "+": return .add
        case "-": return .sub
        case "*": return .mul
        case "/": return .div
        case "%": return .mod
        case "^": return .pow
        case "=":
            if next == UInt8(ascii: "=") { return two(.equal) }
            return next == UInt8(ascii: "~") ? two(.regexMatch) : .assign
        case "!":
            if next == UInt8(ascii: "=") { return two(.notEqual) }
            if next == UInt8(ascii: "~") { return two(.regexNoMatch) }
            throw error("unexpected character after '!': \(describe(next))", at: start)
        case "<": return next == UInt8(ascii: "=") ? two(.lessOrEqual) : .less
        case ">": return next == UInt8(ascii: "=") ? two(.greaterOrEqual) : .greater
        default:
            throw error("unexpected character: \(describe(byte))", at: start)
        }
    }

    private func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "end of input" }
        return "'" + String(UnicodeScalar(byte)) + "'"
    }
}
