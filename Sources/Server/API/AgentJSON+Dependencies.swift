import Fleet
import JSON

extension AgentJSON {
    /// `dependencies`: what the agent depends on (`depends_on`: declared by its beats and configured;
    /// `declared`: by its beats only), the agents that depend on it directly (`dependents`), the root cause muting
    /// its alerts (`root_cause`, null when none) and the agents it mutes as a root cause (`muting`).
    static func writeDependencies(of record: AgentRecord, _ map: DependencyMap, _ writer: inout JSONWriter) {
        writer.key("dependencies")
        writer.beginObject()
        names("depends_on", map.dependsOn[record.name] ?? [], &writer)
        names("declared", record.dependsOn, &writer)
        names("dependents", map.dependents[record.name] ?? [], &writer)
        optional("root_cause", map.root(of: record.name), &writer)
        if map.root(of: record.name) == nil {
            writer.key("root_cause")
            writer.null()
        }
        names("muting", map.affected[record.name] ?? [], &writer)
        writer.endObject()
    }

    private static func names(_ key: String, _ names: [String], _ writer: inout JSONWriter) {
        writer.key(key)
        writer.beginArray()
        for name in names { writer.string(name) }
        writer.endArray()
    }
}
