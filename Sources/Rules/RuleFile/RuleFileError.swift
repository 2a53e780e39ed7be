import Model

/// A position in a YAML document (1-based line and column; `0:0` when the node is missing, as promtool prints it).
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line, 0 when unknown.
    public var line: Int
    /// 1-based column, 0 when unknown.
    public var column: Int

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The position of a missing node.
    public static let missing = SourcePosition(line: 0, column: 0)

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// One problem in a rule file, rendered exactly as `promtool check rules` prints it:
/// `rules.yml: 12:9: group "fleet", rule 2, "AgentDown": field 'expr' must be set in rule`.
public struct RuleFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, as named by the caller.
    public var file: String
    /// The group, when the problem is inside a rule.
    public var group: String?
    /// The 1-based index of the rule inside its group.
    public var ruleIndex: Int?
    /// The rule's `alert` or `record` name.
    public var ruleName: String?
    /// Where the problem is: none, one node, or two nodes (e.g. both `record` and `alert`).
    public var positions: [SourcePosition]
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(
        file: String, group: String? = nil, ruleIndex: Int? = nil, ruleName: String? = nil,
        positions: [SourcePosition] = [], message: String
    ) {
        self.file = file
        self.group = group
        self.ruleIndex = ruleIndex
        self.ruleName = ruleName
        self.positions = positions
        self.message = message
    }

    /// The promtool rendering.
    public var description: String {
        var parts = positions.map(\.description)
        if let group, let ruleIndex {
            parts.append("group \(GoFormat.quote(group)), rule \(ruleIndex), \(GoFormat.quote(ruleName ?? ""))")
        }
        let context = parts.joined(separator: ": ")
        return context.isEmpty ? "\(file): \(message)" : "\(file): \(context): \(message)"
    }
}

/// All the problems found while loading rule files; ``RuleFileLoader`` throws it.
public struct RuleFileErrors: Error, Sendable, CustomStringConvertible {
    /// Each problem, in file order.
    public var errors: [RuleFileError]

    /// Creates the list.
    public init(_ errors: [RuleFileError]) {
        self.errors = errors
    }

    /// One problem per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
