import Model

/// One expected element of an `eval` result.
public struct ExpectedSample: Sendable {
    /// The labels (nil for a scalar result).
    public var labels: Labels?
    /// The value.
    public var value: Double
}

/// An `eval` command of a Prometheus test script.
public struct EvalCommand: Sendable {
    /// The kind of evaluation.
    public enum Kind: Sendable {
        /// `eval instant at T` (also `eval_warn`/`eval_info`, whose annotations are not checked).
        case instant
        /// `eval_fail instant at T`: the query must fail.
        case fail
        /// `eval_ordered instant at T`: results must come in the listed order.
        case ordered
        /// `eval range ...`, which this engine does not run.
        case range
    }

    /// 1-based line of the command.
    public var line: Int
    /// The query text.
    public var query: String
    /// Evaluation time.
    public var time: Timestamp
    /// The kind.
    public var kind: Kind
    /// Expected result elements.
    public var expected: [ExpectedSample]
}

/// A command of a Prometheus test script.
public enum TestCommand: Sendable {
    /// `load <step>` with the float series to add, and the names of native-histogram series it skipped.
    case load(line: Int, series: [(Labels, [(Int64, Double)])], nativeHistograms: [String])
    /// `clear`.
    case clear
    /// An evaluation.
    case eval(EvalCommand)
}

/// A parsed Prometheus `.test` script (the format of `promql/testdata/*.test`).
public struct PromQLTestScript: Sendable {
    /// The commands in order.
    public let commands: [TestCommand]

    /// Parses a script.
    /// - Throws: ``TestScriptError`` naming the line of a malformed command.
    public init(parsing text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
            let trimmed = line.drop(while: isSpace).reversed().drop(while: isSpace)
            let result = Substring(String(trimmed.reversed()))
            return result.hasPrefix("#") ? "" : result
        }
        var commands: [TestCommand] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.isEmpty { continue }
            var block: [(Int, Substring)] = []
            let isClear = line.lowercased() == "clear"
            while !isClear, index < lines.count, !lines[index].isEmpty {
                block.append((index + 1, lines[index]))
                index += 1
            }
            commands.append(try Self.command(line, number: index - block.count, block: block))
        }
        self.commands = commands
    }

    private static func command(_ line: Substring, number: Int, block: [(Int, Substring)]) throws -> TestCommand {
        let word = line.prefix { $0 != " " && $0 != "\t" }.lowercased()
        switch word {
        case "clear": return .clear
        case "load": return try parseLoad(line, number: number, block: block)
        default:
            guard word.hasPrefix("eval") else {
                throw TestScriptError(line: number, message: "invalid command \"\(line)\"")
            }
            return .eval(try parseEval(line, word: word, number: number, block: block))
        }
    }

    private static func parseLoad(_ line: Substring, number: Int, block: [(Int, Substring)]) throws -> TestCommand {
        let argument = line.dropFirst(4).drop { $0 == " " || $0 == "\t" }
        guard let step = parseScriptDuration(argument) else {
            throw TestScriptError(line: number, message: "invalid step \"\(argument)\" in load command")
        }
        var series: [(Labels, [(Int64, Double)])] = []
        var nativeHistograms: [String] = []
        for (lineNumber, text) in block {
            if text.contains("{{") {
                nativeHistograms.append(String(text.prefix { $0 != "{" && $0 != " " && $0 != "\t" }))
                continue
            }
            let (labels, values) = try parseSeriesDescription(text, line: lineNumber)
            let samples = values.enumerated().compactMap { offset, value in value.map { (Int64(offset) * step, $0) } }
            series.append((labels, samples))
        }
        return .load(line: number, series: series, nativeHistograms: nativeHistograms)
    }

    private static func parseEval(_ line: Substring, word: String, number: Int, block: [(Int, Substring)]) throws
        -> EvalCommand
    {
        let words = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true)
        if words.count > 1, words[1] == "range" {
            return EvalCommand(line: number, query: String(line), time: .epoch, kind: .range, expected: [])
        }
        guard words.count == 5, words[1] == "instant", words[2] == "at", let time = parseScriptDuration(words[3]) else {
            throw TestScriptError(line: number, message: "invalid evaluation command \"\(line)\"")
        }
        let kinds: [String: EvalCommand.Kind] = [
            "eval": .instant, "eval_warn": .instant, "eval_info": .instant,
            "eval_fail": .fail, "eval_ordered": .ordered,
        ]
        guard let kind = kinds[word] else {
            throw TestScriptError(line: number, message: "invalid evaluation command \"\(word)\"")
        }
        let expected = try block.map { lineNumber, text -> ExpectedSample in
            if let scalar = parseNumber(text) { return ExpectedSample(labels: nil, value: scalar) }
            let (labels, values) = try parseSeriesDescription(text, line: lineNumber)
            guard values.count == 1, let value = values[0] else {
                throw TestScriptError(line: lineNumber, message: "expecting exactly one value in instant evaluation")
            }
            return ExpectedSample(labels: labels, value: value)
        }
        return EvalCommand(
            line: number, query: String(words[4]), time: Timestamp(milliseconds: time), kind: kind,
            expected: expected)
    }
}
