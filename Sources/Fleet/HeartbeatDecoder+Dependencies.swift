import JSON

extension HeartbeatDecoder {
    /// `depends_on`: an array of at most ``DependencyLimits/maxDependencies`` agent names (each 1–128 of
    /// `[A-Za-z0-9_.:-]`, as `agent`), none repeated, not the agent itself; nil when absent.
    func dependsOn(_ fields: FieldReader, agent: String) throws(HeartbeatError) -> [String]? {
        guard let items = try fields.array("depends_on") else { return nil }
        let field = fields.path("depends_on")
        let limit = DependencyLimits.maxDependencies
        guard items.count <= limit else {
            throw HeartbeatError(field: field, rule: "at most \(limit) agents, got \(items.count)")
        }
        var names: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let name) = item, !name.isEmpty, name.utf8.count <= limits.maxAgentNameBytes,
                name.utf8.allSatisfy(FieldReader.isIdentifierByte)
            else {
                throw HeartbeatError(
                    field: "\(field)[\(index)]",
                    rule: "must be an agent name: 1-\(limits.maxAgentNameBytes) characters of [A-Za-z0-9_.:-]")
            }
            guard name != agent else {
                throw HeartbeatError(field: "\(field)[\(index)]", rule: "an agent cannot depend on itself")
            }
            guard !names.contains(name) else {
                throw HeartbeatError(field: "\(field)[\(index)]", rule: "lists \"\(name)\" twice")
            }
            names.append(name)
        }
        return names
    }
}
