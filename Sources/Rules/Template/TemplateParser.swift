import Model

/// Builds ``TemplateNode``s from scanned segments, checking functions and variables as Go's parser does.
struct TemplateParser {
    let name: String
    let text: [UInt8]
    let functions: Set<String>
    let variables: Set<String>
    private var segments: [TemplateSegment] = []
    private var index = 0

    /// Where the template proper starts in `text`.
    let start: Int

    init(name: String, text: String, start: Int, functions: Set<String>, variables: Set<String>) {
        self.name = name
        self.start = start
        self.text = Array(text.utf8)
        self.functions = functions
        self.variables = variables
    }

    /// Parses the whole template.
    mutating func parse() throws(TemplateError) -> [TemplateNode] {
        segments = try TemplateScanner(bytes: text, start: start, fail: error).segments()
        let (nodes, terminator) = try parseList()
        if let terminator { throw error("unexpected {{\(terminator.word)}}", terminator.offset) }
        return nodes
    }

    func error(_ message: String, _ offset: Int) -> TemplateError {
        let line = 1 + text[..<min(offset, text.count)].count { $0 == 10 }
        return TemplateError("template: \(name):\(line): \(message)")
    }

    /// Parses nodes up to `{{end}}` or `{{else}}` (returned) or the end of input (nil).
    private mutating func parseList() throws(TemplateError) -> ([TemplateNode], (word: String, offset: Int)?) {
        var nodes: [TemplateNode] = []
        while index < segments.count {
            let segment = segments[index]
            index += 1
            guard segment.kind == .action else {
                nodes.append(.text(segment.content))
                continue
            }
            let tokens = try TemplateTokenizer(
                bytes: Array(segment.content.utf8), baseOffset: segment.offset,
                fail: error
            ).tokens()
            if case .identifier(let word) = tokens.first?.kind, ["end", "else"].contains(word) {
                return (nodes, (word, segment.offset))
            }
            nodes.append(try parseAction(tokens, segment))
        }
        return (nodes, nil)
    }

    private mutating func parseAction(_ tokens: [TemplateToken], _ segment: TemplateSegment) throws(TemplateError)
        -> TemplateNode
    {
        guard case .identifier(let word) = tokens.first?.kind,
            [
                "if", "with", "range", "define", "template",
                "block", "break", "continue",
            ].contains(word)
        else { return .action(try pipeline(tokens[...], offset: segment.offset, context: "command")) }
        guard word == "if" || word == "with" else {
            throw error("template action {{\(word)}} is outside the supported subset", segment.offset)
        }
        let condition = try pipeline(tokens.dropFirst(), offset: segment.offset, context: word)
        let (body, terminator) = try parseList()
        guard let terminator else { throw error("unexpected EOF", text.count) }
        var otherwise: [TemplateNode] = []
        if terminator.word == "else" {
            let (elseBody, end) = try parseList()
            guard let end else { throw error("unexpected EOF", text.count) }
            guard end.word == "end" else { throw error("expected end; found {{else}}", end.offset) }
            otherwise = elseBody
        }
        return .conditional(kind: word, condition: condition, then: body, otherwise: otherwise)
    }

    /// Parses `cmd | cmd …`.
    private func pipeline(_ tokens: ArraySlice<TemplateToken>, offset: Int, context: String) throws(TemplateError)
        -> TemplatePipeline
    {
        guard !tokens.isEmpty else { throw error("missing value for \(context)", offset) }
        if tokens.contains(where: { $0.kind == .declare }) {
            throw error("variable declarations are outside the supported subset", offset)
        }
        var commands: [TemplateCommand] = []
        var rest = tokens
        while true {
            let end = commandEnd(rest)
            let commandTokens = rest[rest.startIndex..<end]
            guard let first = commandTokens.first else { throw error("missing value for command", offset) }
            let (operands, spans) = try self.operands(commandTokens)
            let last = commandTokens.last ?? first
            let textEnd = last.offset + last.text.utf8.count
            let text = String(decoding: self.text[first.offset..<textEnd], as: UTF8.self)
            commands.append(TemplateCommand(offset: first.offset, operands: operands, text: text, operandSpans: spans))
            guard end < rest.endIndex else { break }
            rest = rest[(end + 1)...]
        }
        return TemplatePipeline(offset: offset, commands: commands)
    }

    /// The index of the `|` ending the first command (outside parentheses), or the end.
    private func commandEnd(_ tokens: ArraySlice<TemplateToken>) -> Int {
        var depth = 0
        for index in tokens.indices {
            switch tokens[index].kind {
            case .leftParen: depth += 1
            case .rightParen: depth -= 1
            case .pipe where depth == 0: return index
            default: break
            }
        }
        return tokens.endIndex
    }

    private func operands(_ tokens: ArraySlice<TemplateToken>) throws(TemplateError)
        -> ([TemplateOperand], [(offset: Int, text: String)])
    {
        var result: [TemplateOperand] = []
        var spans: [(offset: Int, text: String)] = []
        var index = tokens.startIndex
        var spanStart = index
        while index < tokens.endIndex {
            if index > tokens.startIndex {
                let last = tokens[index - 1]
                spans.append((tokens[spanStart].offset, span(from: tokens[spanStart], to: last)))
            }
            spanStart = index
            let token = tokens[index]
            index += 1
            switch token.kind {
            case .leftParen:
                let close = try matchingParen(tokens, from: index)
                result.append(.pipeline(try pipeline(tokens[index..<close], offset: token.offset, context: "command")))
                index = close + 1
            case .variable(let name):
                guard variables.contains(name) else {
                    throw error("undefined variable \(GoFormat.quote(name))", token.offset)
                }
                let (fields, next) = collectFields(tokens, from: index)
                result.append(.variable(name, fields: fields))
                index = next
            case .dot: result.append(.dot(fields: []))
            case .field(let name):
                let (fields, next) = collectFields(tokens, from: index)
                result.append(.dot(fields: [name] + fields))
                index = next
            default: result.append(try simpleOperand(token))
            }
        }
        if let last = tokens.last { spans.append((tokens[spanStart].offset, span(from: tokens[spanStart], to: last))) }
        return (result, spans)
    }

    private func span(from first: TemplateToken, to last: TemplateToken) -> String {
        String(decoding: text[first.offset..<(last.offset + last.text.utf8.count)], as: UTF8.self)
    }

    private func simpleOperand(_ token: TemplateToken) throws(TemplateError) -> TemplateOperand {
        switch token.kind {
        case .string(let value): return .literal(.string(value))
        case .number(let text):
            if let integer = Int(text) { return .literal(.int(integer)) }
            if let value = Double(text) { return .literal(.float(value)) }
            throw error("bad number syntax: \(GoFormat.quote(text))", token.offset)
        case .identifier("true"): return .literal(.bool(true))
        case .identifier("false"): return .literal(.bool(false))
        case .identifier("nil"): return .literal(.none)
        case .identifier(let name):
            guard functions.contains(name) else {
                throw error("function \(GoFormat.quote(name)) not defined", token.offset)
            }
            return .function(name)
        default: throw error("unexpected \(GoFormat.quote(token.text)) in operand", token.offset)
        }
    }

    private func collectFields(_ tokens: ArraySlice<TemplateToken>, from start: Int) -> ([String], Int) {
        var fields: [String] = []
        var index = start
        while index < tokens.endIndex, case .field(let name) = tokens[index].kind {
            fields.append(name)
            index += 1
        }
        return (fields, index)
    }

    private func matchingParen(_ tokens: ArraySlice<TemplateToken>, from start: Int) throws(TemplateError) -> Int {
        var depth = 1
        for index in start..<tokens.endIndex {
            if tokens[index].kind == .leftParen { depth += 1 }
            if tokens[index].kind == .rightParen { depth -= 1 }
            if depth == 0 { return index }
        }
        throw error("unclosed left paren", tokens[start - 1].offset)
    }
}
