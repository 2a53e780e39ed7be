import Model

/// A malformed line in a Prometheus test script.
public struct TestScriptError: Error, Sendable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// What is wrong.
    public var message: String

    /// `line N: message`.
    public var description: String { "line \(line): \(message)" }
}

/// Parses `metric{a="b"} 1 2+3x4 _ stale` into labels and expanded values (nil: no sample at that step).
///
/// This is the series notation of Prometheus' test scripts and of `promtool test rules` input series.
/// - Throws: ``TestScriptError`` naming `line` when the text is malformed.
public func parseSeriesDescription(_ text: Substring, line: Int) throws -> (Labels, [Double?]) {
    let (selector, rest) = try splitSelector(text, line: line)
    let labels = try parseSeriesLabels(selector, line: line)
    var values: [Double?] = []
    for item in rest.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
        values += try expandNotation(item, line: line)
    }
    return (labels, values)
}

/// Splits the selector part (name and/or `{...}`) from the values part.
private func splitSelector(_ text: Substring, line: Int) throws -> (Substring, Substring) {
    var inQuote: Character?
    var escaped = false
    var index = text.startIndex
    var sawBrace = false
    while index < text.endIndex {
        let character = text[index]
        if let quote = inQuote {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == quote {
                inQuote = nil
            }
        } else if character == "\"" || character == "'" || character == "`" {
            inQuote = character
        } else if character == "{" {
            sawBrace = true
        } else if character == "}" {
            let end = text.index(after: index)
            return (text[..<end], text[end...])
        } else if (character == " " || character == "\t"), !sawBrace {
            return (text[..<index], text[index...])
        }
        index = text.index(after: index)
    }
    if sawBrace { throw TestScriptError(line: line, message: "unterminated label set in \"\(text)\"") }
    return (text, "")
}

/// Parses `name{a="b", c="d"}` (equality matchers only) into labels.
private func parseSeriesLabels(_ selector: Substring, line: Int) throws -> Labels {
    var lexer = Lexer(String(selector))
    let tokens: [Token]
    do { tokens = try lexer.tokenize() } catch { throw TestScriptError(line: line, message: error.description) }
    var labels: [Label] = []
    var position = 0
    func kind(_ offset: Int) -> TokenKind {
        position + offset < tokens.count ? tokens[position + offset].kind : .endOfInput
    }
    if case .identifier(let name) = kind(0) {
        labels.append(Label(metricNameLabel, name))
        position += 1
    }
    guard kind(0) == .leftBrace else {
        guard kind(0) == .endOfInput else {
            throw TestScriptError(line: line, message: "invalid series selector \"\(selector)\"")
        }
        return Labels(labels)
    }
    position += 1
    while kind(0) != .rightBrace {
        guard case .identifier(let name) = kind(0), kind(1) == .assign, case .string(let value) = kind(2)
        else { throw TestScriptError(line: line, message: "invalid label matcher in \"\(selector)\"") }
        labels.append(Label(name, value))
        position += 3
        if kind(0) == .comma { position += 1 }
    }
    return Labels(labels)
}

/// Expands one item of the notation: `_`, `_xN`, `stale`, `v`, `vxN`, `a+bxN`, `a-bxN`.
func expandNotation(_ item: Substring, line: Int) throws -> [Double?] {
    var base = item
    var repeats: Int?
    if let x = item.lastIndex(of: "x"), x != item.startIndex,
        let count = Int(item[item.index(after: x)...]), count >= 0
    {
        base = item[..<x]
        repeats = count
    }
    if base == "_" { return Array(repeating: nil, count: repeats ?? 1) }
    let (start, increment) = try parseStartAndIncrement(base, line: line)
    var values: [Double?] = []
    var current = start
    for _ in 0...(repeats ?? 0) {
        values.append(current)
        current += increment
    }
    return values
}

private func parseStartAndIncrement(_ text: Substring, line: Int) throws -> (Double, Double) {
    if text.lowercased() == "stale" { return (staleMarker, 0) }
    var index = text.index(after: text.startIndex)
    while index < text.endIndex {
        let character = text[index]
        let previous = text[text.index(before: index)]
        if (character == "+" || character == "-"), previous != "e", previous != "E" {
            guard let start = parseNumber(text[..<index]), let step = parseNumber(text[index...]) else { break }
            return (start, step)
        }
        index = text.index(after: index)
    }
    guard let value = parseNumber(text) else {
        throw TestScriptError(line: line, message: "invalid value \"\(text)\"")
    }
    return (value, 0)
}

/// Parses a number as the test scripts write them (`1`, `-2.5`, `1e3`, `Inf`, `-inf`, `NaN`).
func parseNumber(_ text: Substring) -> Double? {
    let string = String(text)
    if let integer = Int64(string) { return Double(integer) }
    return parseGoFloat(string)
}

/// Parses a duration such as `50m`, `8000s`, `1h30m` or `0` into milliseconds.
func parseScriptDuration(_ text: Substring) -> Int64? {
    if text == "0" { return 0 }
    var lexer = Lexer(String(text))
    guard let tokens = try? lexer.tokenize(), tokens.count == 2, case .duration(let value) = tokens[0].kind else {
        return nil
    }
    return value
}
