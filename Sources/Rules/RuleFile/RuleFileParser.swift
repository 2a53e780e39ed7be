import Model
import Yams

/// Reads the YAML of a rule file into definitions, strictly (unknown fields are errors), as Prometheus'
/// `rulefmt.Parse` does with `KnownFields(true)`.
struct RuleFileParser {
    let file: String
    /// Unknown-field and type problems, reported together like yaml.v3's "unmarshal errors".
    private var unmarshalProblems: [String] = []
    /// Problems that stop decoding on their own (a bad duration).
    private var fatalProblem: String?

    init(file: String) {
        self.file = file
    }

    /// Parses `text`; an empty document has no groups.
    mutating func parse(_ text: String) throws(RuleFileErrors) -> [RuleGroupDefinition] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            // Prometheus decodes the file twice (strictly, then for positions) and reports both failures.
            let problem = RuleFileError(file: file, message: yamlMessage(error))
            throw RuleFileErrors([problem, problem])
        }
        guard let root else { return [] }
        let groups = readRoot(root)
        if let fatalProblem { throw RuleFileErrors([RuleFileError(file: file, message: fatalProblem)]) }
        if !unmarshalProblems.isEmpty {
            let lines = unmarshalProblems.map { "  " + $0 }.joined(separator: "\n")
            throw RuleFileErrors([RuleFileError(file: file, message: "yaml: unmarshal errors:\n" + lines)])
        }
        return groups
    }

    /// yaml.v3's wording: the line of the context mark when there is one; parser errors count from 0.
    private func yamlMessage(_ error: any Error) -> String {
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _):
            return "yaml: line \(context?.mark.line ?? mark.line): \(problem)"
        case .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
            return "yaml: line \((context?.mark.line ?? mark.line) - 1): \(problem)"
        default:
            return "yaml: \(error)"
        }
    }

    private mutating func readRoot(_ root: Node) -> [RuleGroupDefinition] {
        var groups: [RuleGroupDefinition] = []
        for (key, value) in fields(of: root, type: "rulefmt.RuleGroups", allowed: ["groups"]) where key == "groups" {
            for item in items(of: value, type: "[]rulefmt.RuleGroup") { groups.append(readGroup(item)) }
        }
        return groups
    }

    private mutating func readGroup(_ node: Node) -> RuleGroupDefinition {
        var group = RuleGroupDefinition()
        group.name.position = position(of: node)
        let allowed: Set = ["name", "interval", "limit", "rules"]
        for (key, value) in fields(of: node, type: "rulefmt.RuleGroup", allowed: allowed) {
            switch key {
            case "name": group.name.text = scalar(value, type: "string")
            case "interval": group.interval = duration(value)
            case "limit": group.limit = Int(scalar(value, type: "int")) ?? typeProblem(value, "int", 0)
            default: group.rules = items(of: value, type: "[]rulefmt.RuleNode").map { readRule($0) }
            }
        }
        return group
    }

    private mutating func readRule(_ node: Node) -> RuleDefinition {
        var rule = RuleDefinition()
        let allowed: Set = ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"]
        for (key, value) in fields(of: node, type: "rulefmt.RuleNode", allowed: allowed) {
            switch key {
            case "record": rule.record = PositionedText(scalar(value, type: "string"), at: position(of: value))
            case "alert": rule.alert = PositionedText(scalar(value, type: "string"), at: position(of: value))
            case "expr": rule.expr = PositionedText(scalar(value, type: "string"), at: position(of: value))
            case "for": rule.holdDuration = duration(value) ?? .zero
            case "keep_firing_for": rule.keepFiringFor = duration(value) ?? .zero
            case "labels": rule.labels = stringMap(value)
            default: rule.annotations = stringMap(value)
            }
        }
        return rule
    }

    // MARK: - Node helpers

    private func position(of node: Node) -> SourcePosition {
        guard let mark = node.mark else { return .missing }
        return SourcePosition(line: mark.line, column: mark.column)
    }

    private mutating func fields(of node: Node, type: String, allowed: Set<String>) -> [(String, Node)] {
        if case .scalar(let value) = node, value.string == "null" || value.string == "~" || value.string.isEmpty {
            return []
        }
        guard let mapping = node.mapping else {
            return typeProblem(node, type, [])
        }
        var result: [(String, Node)] = []
        for (key, value) in mapping {
            let name = key.string ?? ""
            if allowed.contains(name) {
                result.append((name, value))
            } else {
                unmarshalProblems.append("line \(key.mark?.line ?? 0): field \(name) not found in type \(type)")
            }
        }
        return result
    }

    private mutating func items(of node: Node, type: String) -> [Node] {
        if case .scalar(let value) = node, value.string == "null" || value.string == "~" { return [] }
        guard let sequence = node.sequence else { return typeProblem(node, type, []) }
        return Array(sequence)
    }

    private mutating func scalar(_ node: Node, type: String) -> String {
        guard case .scalar(let value) = node else { return typeProblem(node, type, "") }
        if value.style == .plain, value.string == "null" || value.string == "~" { return "" }
        return value.string
    }

    private mutating func stringMap(_ node: Node) -> [(name: String, value: String)] {
        if case .scalar(let value) = node, value.string == "null" || value.string == "~" { return [] }
        guard let mapping = node.mapping else { return typeProblem(node, "map[string]string", []) }
        return mapping.map { (name: $0.key.string ?? "", value: scalar($0.value, type: "string")) }
    }

    private mutating func duration(_ node: Node) -> PrometheusDuration? {
        let text = scalar(node, type: "model.Duration")
        if text.isEmpty { return nil }
        var problem = PrometheusDuration.ParseError(text: text)
        do {
            return try PrometheusDuration(parsing: text)
        } catch {
            problem = error
        }
        if fatalProblem == nil { fatalProblem = problem.description }
        return nil
    }

    private mutating func typeProblem<T>(_ node: Node, _ type: String, _ fallback: T) -> T {
        let line = node.mark?.line ?? 0
        let text = node.scalar.map { " `\($0.string)`" } ?? ""
        let tag = node.tag.description.replacingOccurrences(of: "tag:yaml.org,2002:", with: "!!")
        unmarshalProblems.append("line \(line): cannot unmarshal \(tag)\(text) into \(type)")
        return fallback
    }
}
