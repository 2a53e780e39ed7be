import Model

/// One entry of the configuration's `dependencies:`: the agents its Alertmanager matchers select (on their
/// ``AgentRecord/matchLabels``) depend on the agents it names.
public struct DependencyRule: Sendable, Equatable {
    public var matchers: [LabelMatcher]
    /// The names of the agents depended on, in the order written.
    public var dependsOn: [String]

    public init(matchers: [LabelMatcher], dependsOn: [String]) {
        self.matchers = matchers
        self.dependsOn = dependsOn
    }

    /// Whether the rule selects an agent with `labels`.
    public func matches(_ labels: Labels) -> Bool { matchers.allSatisfy { $0.matches(labels) } }
}

/// The limits of one agent's declared dependencies.
public enum DependencyLimits {
    /// The most names one `depends_on` list may hold (a beat's or a configuration entry's).
    public static let maxDependencies = 16
    /// The `silencedBy` prefix of an alert muted because its agent's dependency is down: `dependency:planner-1`.
    public static let silencedByPrefix = "dependency:"
    /// The states of a dependency that mute its dependents.
    public static let downStates: Set<HealthState> = [.degraded, .unreachable, .killed, .recovering]
}

/// A dependency cycle: the agents in order, the first repeated at the end (`a → b → a`).
public struct DependencyCycle: Error, Sendable, Equatable, CustomStringConvertible {
    public var agents: [String]

    public init(agents: [String]) { self.agents = agents }

    public var description: String { "would close a dependency cycle: " + agents.joined(separator: " → ") }
}

/// What one agent brings to the dependency graph: the dependencies its beats declared, its labels (for the
/// configuration's matchers) and its state.
public struct DependencyNode: Sendable, Equatable {
    public var name: String
    public var state: HealthState
    public var declared: [String]
    public var labels: Labels

    public init(name: String, state: HealthState, declared: [String], labels: Labels = .empty) {
        self.name = name
        self.state = state
        self.declared = declared
        self.labels = labels
    }
}

/// Who depends on whom in the fleet: the edges declared by beats and added by the configuration's entries. It changes
/// only when a declaration, the configuration or the fleet's membership does (``AgentRegistry/dependencyMap()``).
public struct DependencyGraph: Sendable {
    /// What each agent depends on, declared by its beats and configured, without repeats; agents without any are
    /// absent.
    public let dependsOn: [String: [String]]
    /// The agents that depend directly on each agent, in natural order (`worker-9` before `worker-10`).
    public let dependents: [String: [String]]

    public static let empty = DependencyGraph(nodes: [], rules: [])

    /// The graph of `nodes` with the edges `rules` add to the agents they match.
    public init(nodes: [DependencyNode], rules: [DependencyRule]) {
        var edges: [String: [String]] = [:]
        for node in nodes {
            var targets = node.declared
            for rule in rules where rule.matches(node.labels) { targets += rule.dependsOn }
            var seen: Set<String> = [node.name]
            targets = targets.filter { seen.insert($0).inserted }
            if !targets.isEmpty { edges[node.name] = targets }
        }
        var reverse: [String: [String]] = [:]
        for (agent, targets) in edges { for target in targets { reverse[target, default: []].append(agent) } }
        dependsOn = edges
        dependents = reverse.mapValues { NaturalOrder.sorted($0) }
    }
}

/// The fleet's dependency graph and who it mutes at one moment: worked out when the graph or the set of agents down
/// changes (``AgentRegistry/dependencyMap()``), then read per alert by a dictionary lookup.
///
/// An agent's root cause is found by following its dependencies, in the order listed, to the deepest one that is
/// down (``DependencyLimits/downStates``) and has no dependency down itself: with `worker → planner → db`, a down
/// `db` is the root cause of both `planner` and `worker`; with only `planner` down, it is `worker`'s. An agent down
/// itself keeps the root cause of its own dependencies. Cycles (possible only through configured matchers on
/// changing labels: declared ones are refused) are cut where they close. The work is proportional to the agents
/// that depend on one down, not to the fleet.
public struct DependencyMap: Sendable {
    public let graph: DependencyGraph
    /// The root cause of each agent muted by a dependency.
    public let roots: [String: String]
    /// The agents each root cause mutes, in natural order of their names (`worker-9` before `worker-10`).
    public let affected: [String: [String]]
    /// Tells maps apart: each one the registry works out has a new version (the router reacts to a new map only).
    public internal(set) var version = 0

    /// What each agent depends on (``DependencyGraph/dependsOn``).
    public var dependsOn: [String: [String]] { graph.dependsOn }
    /// The agents that depend directly on each agent, in natural order.
    public var dependents: [String: [String]] { graph.dependents }

    /// An empty map: no agent depends on another.
    public static let empty = DependencyMap(graph: .empty, down: [])

    /// Works out the graph of `nodes` with `rules` and who it mutes given the nodes' states.
    public init(nodes: [DependencyNode], rules: [DependencyRule]) {
        self.init(
            graph: DependencyGraph(nodes: nodes, rules: rules),
            down: Set(nodes.filter { DependencyLimits.downStates.contains($0.state) }.map(\.name)))
    }

    /// Who `graph` mutes while the agents `down` are down.
    public init(graph: DependencyGraph, down: Set<String>) {
        self.graph = graph
        let reach = Self.dependingOnAny(of: down, graph: graph)
        roots = Self.roots(of: reach, edges: graph.dependsOn, isDown: down.contains)
        var affected: [String: [String]] = [:]
        for (agent, root) in roots { affected[root, default: []].append(agent) }
        self.affected = affected.mapValues { NaturalOrder.sorted($0) }
    }

    /// The agents that depend, directly or not, on one of `down`.
    private static func dependingOnAny(of down: Set<String>, graph: DependencyGraph) -> Set<String> {
        var reach: Set<String> = []
        var queue = Array(down)
        while let agent = queue.popLast() {
            for dependent in graph.dependents[agent] ?? [] where reach.insert(dependent).inserted {
                queue.append(dependent)
            }
        }
        return reach
    }

    /// The root cause of each of `reach`, by an iterative depth-first walk (a deep chain must not exhaust a thread's
    /// stack) that stays within `reach`, each agent resolved once.
    private static func roots(of reach: Set<String>, edges: [String: [String]], isDown: (String) -> Bool)
        -> [String: String]
    {
        var resolved: [String: String?] = [:]
        var onPath: Set<String> = []
        for start in reach.sorted() where resolved[start] == nil {
            var stack: [(agent: String, next: Int)] = [(start, 0)]
            onPath.insert(start)
            while let top = stack.last {
                let targets = edges[top.agent] ?? []
                if top.next < targets.count {
                    stack[stack.count - 1].next += 1
                    let target = targets[top.next]
                    if reach.contains(target), resolved[target] == nil, !onPath.contains(target) {
                        stack.append((target, 0))
                        onPath.insert(target)
                    }
                    continue
                }
                resolved[top.agent] = .some(Self.root(of: targets, resolved: resolved, isDown: isDown))
                onPath.remove(top.agent)
                stack.removeLast()
            }
        }
        return resolved.compactMapValues { $0 }
    }

    private static func root(of targets: [String], resolved: [String: String?], isDown: (String) -> Bool) -> String? {
        for target in targets {
            if let root = resolved[target] ?? nil { return root }
            if isDown(target) { return target }
        }
        return nil
    }

    /// The root cause muting `agent`, if one does.
    public func root(of agent: String) -> String? { roots[agent] }

    /// The text of the `dependents_affected` annotation of a root cause's alerts: how many agents it mutes and the
    /// first five names, such as `5 (worker-1, worker-2, worker-3, worker-4, worker-5)`; nil when it mutes none.
    public func affectedSummary(of agent: String) -> String? {
        guard let names = affected[agent], !names.isEmpty else { return nil }
        let shown = names.prefix(5).joined(separator: ", ")
        return "\(names.count) (\(shown)\(names.count > 5 ? ", …" : ""))"
    }
}
