import Model

/// The kinds of tokens of the PromQL lexer.
enum TokenKind: Equatable, Sendable {
    case identifier(String)
    case number(Double)
    case duration(Int64)
    case string(String)
    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, colon, at
    case assign, equal, notEqual, regexMatch, regexNoMatch
    case less, lessOrEqual, greater, greaterOrEqual
    case add, sub, mul, div, mod, pow
    case endOfInput

    /// How the token is named in error messages, following Prometheus' wording.
    var description: String {
        switch self {
        case .identifier(let name):
            keywords.contains(name.lowercased())
                ? "<\(name.lowercased())>"
                : name.contains(":") ? "metric identifier \"\(name)\"" : "identifier \"\(name)\""
        case .number(let value): "number \"\(formatNumber(value))\""
        case .duration: "duration"
        case .string(let text): "string \(GoFormat.quote(text))"
        case .leftParen: "\"(\""
        case .rightParen: "\")\""
        case .leftBrace: "\"{\""
        case .rightBrace: "\"}\""
        case .leftBracket: "\"[\""
        case .rightBracket: "\"]\""
        case .comma: "\",\""
        case .colon: "\":\""
        case .at: "\"@\""
        case .assign: "\"=\""
        case .endOfInput: "end of input"
        default: binaryOperator.map { "\"\($0.rawValue)\"" } ?? "token"
        }
    }

    /// The binary operator this token spells, if any (keyword operators are identifiers).
    var binaryOperator: BinaryOperator? {
        switch self {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessOrEqual: .lessOrEqual
        case .greater: .greater
        case .greaterOrEqual: .greaterOrEqual
        case .add: .add
        case .sub: .sub
        case .mul: .mul
        case .div: .div
        case .mod: .mod
        case .pow: .pow
        case .identifier(let word): BinaryOperator.keyword(word)
        default: nil
        }
    }
}

/// Words that are keywords of PromQL (reported as `<word>` in errors).
let keywords: Set<String> = [
    "and", "or", "unless", "atan2", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
]

/// A token with its position in the query.
struct Token: Sendable {
    var kind: TokenKind
    var range: SourceRange
}
