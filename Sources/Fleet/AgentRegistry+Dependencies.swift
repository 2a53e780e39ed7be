import Model
import Synchronization

/// The registry's dependency bookkeeping, behind ``AgentRegistry/dependencies``.
struct DependencyState: Sendable {
    /// The edges a beat's declaration is checked against.
    var edges = DependencyEdges()
    /// The agents down now (``DependencyLimits/downStates``), kept up to date by each transition.
    var down: Set<String> = []
    /// Bumped whenever ``down`` changes.
    var downGeneration = 0
    var graph: DependencyGraph?
    /// The graph generation and the fleet size (with configured entries only) ``graph`` was worked out for.
    var graphBuiltFor: (generation: Int, count: Int)?
    var graphBuilds = 0
    var map: DependencyMap?
    /// The graph build and the ``downGeneration`` ``map`` was worked out for.
    var mapBuiltFor: (graph: Int, down: Int)?
    var mapBuilds = 0

    /// Takes note of transitions: agents entering or leaving the states that mute their dependents.
    mutating func note(_ transitions: ArraySlice<Transition>) {
        var changed = false
        for transition in transitions {
            if DependencyLimits.downStates.contains(transition.to) {
                changed = down.insert(transition.agent).inserted || changed
            } else {
                changed = down.remove(transition.agent) != nil || changed
            }
        }
        if changed { downGeneration += 1 }
    }

    /// The map for the current graph and agents down, worked out again when either changed.
    mutating func currentMap() -> DependencyMap? {
        guard let graph else { return nil }
        if let map, mapBuiltFor.map({ $0 == (graphBuilds, downGeneration) }) == true { return map }
        var map = DependencyMap(graph: graph, down: down)
        mapBuilds += 1
        map.version = mapBuilds
        self.map = map
        mapBuiltFor = (graphBuilds, downGeneration)
        return map
    }
}

extension AgentRegistry {
    /// Notes a change of the dependency graph (a declaration, the configuration, an agent restored or forgotten);
    /// the next ``dependencyMap()`` works the graph out again.
    func dependencyGraphChanged() {
        graphGeneration.wrappingAdd(1, ordering: .relaxed)
    }

    /// Takes note of transitions just made (under their shard's lock; takes only the dependency lock).
    func noteDependencyTransitions(_ transitions: ArraySlice<Transition>) {
        let concerned = transitions.contains { transition in
            DependencyLimits.downStates.contains(transition.to)
                || transition.from.map(DependencyLimits.downStates.contains) == true
        }
        guard concerned else { return }
        dependencies.withLock { $0.note(transitions) }
    }

    /// Forgets `name` as an agent down and as a declarer; the graph is worked out again if it was part of it.
    func forgetDependencies(of name: String) {
        let inGraph = dependencies.withLock { state -> Bool in
            if state.down.remove(name) != nil { state.downGeneration += 1 }
            let declared = state.edges.declared.removeValue(forKey: name) != nil
            return declared || state.graph?.dependsOn[name] != nil || state.graph?.dependents[name] != nil
        }
        if inGraph { dependencyGraphChanged() }
    }

    /// Records `beat`'s `depends_on` when it changes the agent's declaration (`current`), or refuses it when it
    /// would close a cycle with the declared and configured dependencies of the fleet. Called under the agent's
    /// shard lock; takes only the dependency lock.
    func declareDependencies(of beat: Heartbeat, replacing current: [String]) throws(RegistryError) {
        guard let targets = beat.dependsOn, targets != current else { return }
        let cycle = dependencies.withLock { state -> DependencyCycle? in
            if let cycle = state.edges.cycle(ifDeclaring: targets, for: beat.agent) { return cycle }
            state.edges.declared[beat.agent] = targets.isEmpty ? nil : targets
            dependencyGraphChanged()
            return nil
        }
        if let cycle { throw .dependencyCycle(cycle) }
    }

    /// The fleet's dependency graph and who it mutes now. The alert router reads it for each flush and each
    /// evaluation received; the maintenance loop calls it after each sweep, so the work is mostly done there.
    ///
    /// Two parts are kept apart, so the cost follows what changed:
    /// - the graph (``DependencyGraph``) is worked out again only when a beat changed its declaration, the
    ///   configuration changed, an agent in the graph was forgotten or, with `dependencies:` entries configured,
    ///   the number of agents changed (their labels are matched then; a label change alone waits for one of these).
    ///   It reads every shard once, one lock at a time, never while holding the dependency lock.
    /// - who is muted (``DependencyMap``) is worked out again when an agent enters or leaves a state that mutes its
    ///   dependents, from the agents down and their dependents only.
    ///
    /// Otherwise the same map is returned at the cost of one lock.
    public func dependencyMap() -> DependencyMap {
        let rules = currentConfiguration.dependencyRules
        let key = (generation: graphGeneration.load(ordering: .relaxed), count: rules.isEmpty ? 0 : count)
        if let map = dependencies.withLock({ state -> DependencyMap? in
            guard state.graphBuiltFor.map({ $0 == key }) == true else { return nil }
            return state.currentMap()
        }) {
            return map
        }
        let nodes = dependencyNodes(withLabels: !rules.isEmpty)
        let graph = DependencyGraph(nodes: nodes, rules: rules)
        let declared = Dictionary(
            nodes.filter { !$0.declared.isEmpty }.map { ($0.name, $0.declared) },
            uniquingKeysWith: { first, _ in first })
        var configured: [String: [String]] = [:]
        for (agent, targets) in graph.dependsOn {
            let own = declared[agent] ?? []
            let added = targets.filter { !own.contains($0) }
            if !added.isEmpty { configured[agent] = added }
        }
        return dependencies.withLock { state -> DependencyMap in
            // A declaration made since `key` was read is in the edges already and maybe not in `nodes`.
            if graphGeneration.load(ordering: .relaxed) == key.generation { state.edges.declared = declared }
            state.edges.configured = configured
            state.graph = graph
            state.graphBuilds += 1
            state.graphBuiltFor = key
            return state.currentMap() ?? .empty
        }
    }

    /// The agents that declare dependencies, or every agent with its labels when `withLabels`.
    func dependencyNodes(withLabels: Bool) -> [DependencyNode] {
        var nodes: [DependencyNode] = []
        for index in 0..<Self.shardCount {
            _ = try? withShard(atIndex: index) { shard in
                for record in shard.agents.values where withLabels || !record.dependsOn.isEmpty {
                    nodes.append(
                        DependencyNode(
                            name: record.name, state: record.recordedState, declared: record.dependsOn,
                            labels: withLabels ? record.matchLabels : .empty))
                }
            }
        }
        return nodes
    }

    /// Takes restored agents into the dependency bookkeeping: those down, and the graph to work out again.
    func restoreDependencies(_ records: [AgentRecord]) {
        let down = records.filter { DependencyLimits.downStates.contains($0.recordedState) }.map(\.name)
        dependencies.withLock { state in
            state.down.formUnion(down)
            state.downGeneration += 1
        }
        dependencyGraphChanged()
        _ = dependencyMap()  // the declared dependencies, for the first beats' cycle checks
    }
}
