import Model

extension DependencyRule {
    /// The first cycle that `rules` make among the agents their `depends_on` lists name, judged by the `agent`
    /// label alone (labels an agent reports are not known until it beats: a cycle through them is cut where it
    /// closes, ``DependencyMap``): the index of the rule whose edge closes it, read from the top (with `a → b` at 0
    /// and `b → a` at 1, rule 1), and the cycle.
    public static func firstCycle(in rules: [DependencyRule]) -> (rule: Int, cycle: DependencyCycle)? {
        // Rule `index` adds only its own edges to those above it, so a cycle first found with it uses one of them.
        for (index, rule) in rules.enumerated() {
            let edges = edges(of: rules[...index])
            for target in rule.dependsOn {
                let closing = path(from: target, edges: edges, until: { rule.matches(Labels([Label("agent", $0)])) })
                if let closing, let agent = closing.last {
                    return (index, DependencyCycle(agents: [agent] + closing))
                }
            }
        }
        return nil
    }

    /// What each agent that `rules` name depends on by them, judged by its `agent` label.
    private static func edges(of rules: ArraySlice<DependencyRule>) -> [String: [String]] {
        var edges: [String: [String]] = [:]
        for name in Set(rules.flatMap(\.dependsOn)) {
            let labels = Labels([Label("agent", name)])
            edges[name] = rules.filter { $0.matches(labels) }.flatMap(\.dependsOn)
        }
        return edges
    }

    /// The path from `start` (breadth first) to the first agent for which `isGoal` holds, both included.
    private static func path(from start: String, edges: [String: [String]], until isGoal: (String) -> Bool)
        -> [String]?
    {
        DependencyPath.shortest(from: start, next: { edges[$0] ?? [] }, until: isGoal)
    }
}

/// The shortest path through a dependency graph, for the cycle checks.
enum DependencyPath {
    /// The path from `start` (breadth first, following `next`) to the first agent for which `isGoal` holds, both
    /// included; nil when none is reached.
    static func shortest(from start: String, next: (String) -> [String], until isGoal: (String) -> Bool) -> [String]? {
        var previous: [String: String] = [start: start]
        var queue = [start], index = 0
        while index < queue.count {
            let current = queue[index]
            index += 1
            if isGoal(current) {
                var path = [current], step = current
                while step != start, let back = previous[step] {
                    path.append(back)
                    step = back
                }
                return path.reversed()
            }
            for target in next(current) where previous[target] == nil {
                previous[target] = current
                queue.append(target)
            }
        }
        return nil
    }
}
