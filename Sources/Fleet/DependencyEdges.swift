/// The dependency edges that the registry checks a beat's declaration against: the declared ones, kept current by
/// each beat, and the configured ones as of the last ``DependencyMap`` worked out.
struct DependencyEdges: Sendable {
    var declared: [String: [String]] = [:]
    var configured: [String: [String]] = [:]

    /// The cycle that `agent` depending on `targets` would close, if any: a path from one of `targets` back to
    /// `agent` over the other edges.
    func cycle(ifDeclaring targets: [String], for agent: String) -> DependencyCycle? {
        for target in targets {
            if let path = path(from: target, to: agent, replacing: agent, with: targets) {
                return DependencyCycle(agents: [agent] + path)
            }
        }
        return nil
    }

    /// A path from `start` to `goal` (both included), breadth first, with `agent`'s edges replaced by `targets`.
    private func path(from start: String, to goal: String, replacing agent: String, with targets: [String])
        -> [String]?
    {
        DependencyPath.shortest(
            from: start,
            next: { $0 == agent ? targets : (declared[$0] ?? []) + (configured[$0] ?? []) },
            until: { $0 == goal })
    }
}
