import Model

/// A cycle that a configuration's `dependencies:` entries would close with the dependencies agents declared in their
/// beats (`depends_on`): a reload refuses the configuration, and a start refuses to begin, naming it.
public struct ConfiguredDependencyCycle: Sendable, Equatable, CustomStringConvertible {
    /// The index of the entry that closes the cycle, read from the top: the last one its configured edges need.
    public var rule: Int
    /// The cycle, its first agent repeated at the end.
    public var cycle: DependencyCycle
    /// The edges of the cycle that beats declared (`planner → w1`), in its order.
    public var declared: [String]

    public var description: String {
        cycle.description
            + (declared.isEmpty ? "" : " (declared in heartbeats: " + declared.joined(separator: ", ") + ")")
    }
}

extension DependencyRule {
    /// The first cycle (by agent name, depth first) in the graph of `nodes`' declared dependencies and the edges
    /// `rules` add to the agents they match, that goes through at least one configured edge; nil when there is none.
    ///
    /// An agent named in a `depends_on` list but not (yet) known is matched by its `agent` label alone, as
    /// ``firstCycle(in:)`` does. The work is one depth-first walk of the graph.
    public static func firstCycle(in rules: [DependencyRule], nodes: [DependencyNode]) -> ConfiguredDependencyCycle? {
        let graph = CycleSearchGraph(rules: rules, nodes: nodes)
        var color: [String: Bool] = [:]  // false: on the walk's path; true: done
        for start in graph.agents where color[start] == nil {
            var stack: [(agent: String, next: Int)] = [(start, 0)]
            color[start] = false
            while let top = stack.last {
                let targets = graph.targets(of: top.agent)
                guard top.next < targets.count else {
                    color[top.agent] = true
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let target = targets[top.next]
                switch color[target] {
                case nil:
                    color[target] = false
                    stack.append((target, 0))
                case false?:
                    let path = stack.map(\.agent).drop { $0 != target } + [target]
                    if let found = graph.configuredCycle(Array(path)) { return found }
                case true?: continue
                }
            }
        }
        return nil
    }
}

/// The edges ``DependencyRule/firstCycle(in:nodes:)`` walks: declared ones, and configured ones with their entry.
private struct CycleSearchGraph {
    var declared: [String: [String]] = [:]
    var configured: [String: [(target: String, rule: Int)]] = [:]
    /// Every agent with an edge, sorted.
    var agents: [String] = []

    init(rules: [DependencyRule], nodes: [DependencyNode]) {
        var known: Set<String> = []
        var labelled = nodes
        for node in nodes { known.insert(node.name) }
        let named = Set(rules.flatMap(\.dependsOn) + nodes.flatMap(\.declared))
        for name in named.sorted() where !known.contains(name) {
            labelled.append(
                DependencyNode(name: name, state: .healthy, declared: [], labels: Labels([Label("agent", name)])))
        }
        for node in labelled {
            if !node.declared.isEmpty { declared[node.name] = node.declared }
            for (index, rule) in rules.enumerated() where rule.matches(node.labels) {
                configured[node.name, default: []] += rule.dependsOn.map { ($0, index) }
            }
        }
        agents = Set(declared.keys).union(configured.keys).sorted()
    }

    func targets(of agent: String) -> [String] {
        (declared[agent] ?? []) + (configured[agent] ?? []).map(\.target)
    }

    /// `path` (`a, b, …, a`) as a cycle found, when one of its edges is configured.
    func configuredCycle(_ path: [String]) -> ConfiguredDependencyCycle? {
        var rule: Int?
        var declaredEdges: [String] = []
        for (from, to) in zip(path, path.dropFirst()) {
            let entries = (configured[from] ?? []).filter { $0.target == to }.map(\.rule)
            // The edge exists from its first entry on; the cycle, once its last configured edge does.
            if let first = entries.min() { rule = max(rule ?? first, first) }
            if declared[from]?.contains(to) == true { declaredEdges.append("\(from) → \(to)") }
        }
        guard let rule else { return nil }
        return ConfiguredDependencyCycle(rule: rule, cycle: DependencyCycle(agents: path), declared: declaredEdges)
    }
}

extension AgentRegistry {
    /// The first cycle that `rules` (a configuration about to be put in force) would close with the dependencies the
    /// known agents declared in their beats, judged with each agent's labels as they are now; nil when none.
    public func dependencyCycle(configuring rules: [DependencyRule]) -> ConfiguredDependencyCycle? {
        guard !rules.isEmpty else { return nil }
        return DependencyRule.firstCycle(in: rules, nodes: dependencyNodes(withLabels: true))
    }
}
