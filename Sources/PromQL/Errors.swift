/// A position range inside a query, as UTF-8 byte offsets.
public struct SourceRange: Sendable, Hashable {
    /// Offset of the first byte.
    public var start: Int
    /// Offset one past the last byte.
    public var end: Int

    /// Creates a range.
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    /// The smallest range that covers both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(min(start, other.start), max(end, other.end))
    }
}

/// An error while parsing a query, rendered like Prometheus: `<line:col>: parse error: <msg>`.
public struct ParseError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Where in the query the error is.
    public var range: SourceRange
    /// What is wrong.
    public var message: String
    /// The query text, used to compute line and column.
    public var query: String

    /// Creates an error.
    public init(range: SourceRange, message: String, query: String) {
        self.range = range
        self.message = message
        self.query = query
    }

    /// Line (1-based) and column (1-based) of the start of the range.
    public var lineAndColumn: (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for (offset, byte) in query.utf8.enumerated() where offset < range.start && byte == 10 {
            line += 1
            lineStart = offset + 1
        }
        return (line, range.start - lineStart + 1)
    }

    /// `<line:col>: parse error: <msg>`, as Prometheus prints parse errors.
    public var description: String {
        let position = lineAndColumn
        return "\(position.line):\(position.column): parse error: \(message)"
    }
}

/// An error while evaluating a query, phrased like Prometheus.
public struct EvaluationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message, worded as Prometheus words it.
    public var description: String { message }

    static let duplicateLabelset = EvaluationError("vector cannot contain metrics with the same labelset")

    /// The query ran past the evaluator's timeout (Prometheus' API reports it with `errorType` `timeout`).
    public static let timeout = EvaluationError("query timed out in expression evaluation")
}
