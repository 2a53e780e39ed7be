import Alerting
import Fleet
import Model
import YAMLConfig

/// The `dependencies:` section: the agents that Alertmanager-style matchers select depend on the agents named
/// (besides what their beats declare in `depends_on`). While a dependency is degraded, unreachable, killed or
/// recovering, the dependents' alerts are muted (`silencedBy: ["dependency:<root agent>"]`).
///
/// ```yaml
/// dependencies:
///   - matchers: ['agent_type="worker"']
///     depends_on: [planner-1, db-writer]   # at most 16 agent names
/// ```
///
/// A cycle among the agents named (judged by their `agent` label) is refused, naming the entry that closes it; so is,
/// at start and at each reload, a cycle closed with the dependencies the known agents declared in their beats.
enum DependenciesSection {
    /// The entries, and where each one's `depends_on` is written (for ``refuseCycles(_:fleet:)``).
    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> (rules: [DependencyRule], sites: [ConfigError]) {
        var rules: [DependencyRule] = []
        var sites: [ConfigError] = []
        for item in try reader.sequence() {
            rules.append(try rule(item))
            sites.append(item.error("", key: item.childPath("depends_on")))
        }
        if let (index, cycle) = DependencyRule.firstCycle(in: rules) {
            var error = sites[index]
            error.message = cycle.description
            throw error
        }
        return (rules, sites)
    }

    /// Refuses `config` when its entries would close a cycle with the dependencies the fleet's agents declared in
    /// their beats (or, through the labels the agents have now, among themselves), naming the entry and the cycle:
    /// `hx.yml:4:5: dependencies[1].depends_on: would close a dependency cycle: w1 → planner → w1 (declared in
    /// heartbeats: planner → w1)`. A reload keeps the configuration in force then; a start does not begin.
    static func refuseCycles(_ config: ExporterConfig, fleet: AgentRegistry) throws(ConfigError) {
        guard let found = fleet.dependencyCycle(configuring: config.dependencies) else { return }
        var error =
            found.rule < config.dependencySites.sites.count
            ? config.dependencySites.sites[found.rule]
            : ConfigError(file: "", key: "dependencies[\(found.rule)].depends_on", message: "")
        error.message = found.description
        throw error
    }

    private static func rule(_ reader: YAMLNodeReader) throws(ConfigError) -> DependencyRule {
        var matchers: [LabelMatcher]?
        var dependsOn: [String]?
        for (key, child) in try reader.mapping(allowed: ["matchers", "depends_on"]) {
            if key == "matchers" { matchers = try child.alertmanagerMatchers() } else { dependsOn = try names(child) }
        }
        guard let matchers else { throw reader.error("an entry needs matchers", key: reader.childPath("matchers")) }
        guard let dependsOn else {
            throw reader.error("an entry needs depends_on", key: reader.childPath("depends_on"))
        }
        return DependencyRule(matchers: matchers, dependsOn: dependsOn)
    }

    /// 1…16 agent names, none repeated.
    private static func names(_ reader: YAMLNodeReader) throws(ConfigError) -> [String] {
        let items = try reader.sequence()
        let limit = DependencyLimits.maxDependencies
        guard !items.isEmpty else { throw reader.error("must name at least one agent") }
        guard items.count <= limit else { throw reader.error("at most \(limit) agents, got \(items.count)") }
        var names: [String] = []
        for item in items {
            let name = try item.string()
            guard (1...128).contains(name.utf8.count), name.allSatisfy(Self.isNameCharacter) else {
                throw item.error("must be an agent name: 1-128 characters of [A-Za-z0-9_.:-]")
            }
            guard !names.contains(name) else { throw item.error("names \"\(name)\" twice") }
            names.append(name)
        }
        return names
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (ascii >= 0x30 && ascii <= 0x39) || (ascii >= 0x41 && ascii <= 0x5A) || (ascii >= 0x61 && ascii <= 0x7A)
            || ascii == UInt8(ascii: "_") || ascii == UInt8(ascii: ".") || ascii == UInt8(ascii: ":")
            || ascii == UInt8(ascii: "-")
    }
}
