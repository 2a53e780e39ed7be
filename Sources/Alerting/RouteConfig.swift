import Model
import YAMLConfig

/// One node of the `route:` tree as written, before inheritance is applied (see ``Route``).
public struct RouteConfig: Sendable, Equatable {
    /// `receiver`; nil to inherit the parent's.
    public var receiver: String?
    /// `group_by` label names; nil to inherit. Empty with ``groupByAll`` for `['...']`.
    public var groupBy: [String]?
    /// Whether `group_by: ['...']` groups by all labels.
    public var groupByAll = false
    /// `group_wait`; nil to inherit (root default 30s).
    public var groupWait: PrometheusDuration?
    /// `group_interval`; nil to inherit (root default 5m).
    public var groupInterval: PrometheusDuration?
    /// `repeat_interval`; nil to inherit (root default 4h).
    public var repeatInterval: PrometheusDuration?
    /// `matchers`, plus the legacy `match` and `match_re` converted to matchers.
    public var matchers: [LabelMatcher] = []
    /// `continue`: whether matching goes on with the next sibling after this route matched.
    public var `continue` = false
    /// Child routes, in order.
    public var routes: [RouteConfig] = []
    /// Where the node and its `receiver` are in the file, for checks made after parsing.
    var site: ConfigSite?
    var receiverSite: ConfigSite?

    /// An empty route node.
    public init() {}

    public static func == (lhs: RouteConfig, rhs: RouteConfig) -> Bool {
        lhs.receiver == rhs.receiver && lhs.groupBy == rhs.groupBy && lhs.groupByAll == rhs.groupByAll
            && lhs.groupWait == rhs.groupWait && lhs.groupInterval == rhs.groupInterval
            && lhs.repeatInterval == rhs.repeatInterval && lhs.matchers == rhs.matchers
            && lhs.continue == rhs.continue && lhs.routes == rhs.routes
    }

    static let keys: Set<String> = [
        "receiver", "group_by", "group_wait", "group_interval", "repeat_interval", "matchers", "match", "match_re",
        "continue", "routes",
    ]

    /// Reads a route node and its children, with Alertmanager's per-node checks.
    public static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> RouteConfig {
        var route = RouteConfig()
        route.site = ConfigSite(reader)
        for (key, child) in try reader.mapping(allowed: keys) {
            try route.apply(key, child)
        }
        return route
    }

    private mutating func apply(_ key: String, _ child: YAMLNodeReader) throws(ConfigError) {
        switch key {
        case "receiver":
            receiver = try child.string()
            receiverSite = ConfigSite(child)
        case "group_by": try readGroupBy(child)
        case "group_wait": groupWait = try child.duration()
        case "group_interval":
            groupInterval = try child.duration()
            if groupInterval == .zero { throw child.error("group_interval cannot be zero") }
        case "repeat_interval":
            repeatInterval = try child.duration()
            if repeatInterval == .zero { throw child.error("repeat_interval cannot be zero") }
        case "matchers": matchers += try child.matcherList()
        case "match": matchers += try child.legacyMatchers(regex: false)
        case "match_re": matchers += try child.legacyMatchers(regex: true)
        case "continue": self.continue = try child.bool()
        default: routes = try child.sequence().map { item throws(ConfigError) in try RouteConfig.read(item) }
        }
    }

    private mutating func readGroupBy(_ reader: YAMLNodeReader) throws(ConfigError) {
        var names: [String] = []
        for item in try reader.sequence() {
            let name = try item.string()
            if name == "..." {
                groupByAll = true
                continue
            }
            guard isValidLabelName(name) else { throw item.error("invalid label name \"\(name)\" in group_by list") }
            guard !names.contains(name) else { throw item.error("duplicated label \"\(name)\" in group_by") }
            names.append(name)
        }
        if groupByAll && !names.isEmpty {
            throw reader.error("cannot have wildcard group_by (`...`) and other other labels at the same time")
        }
        groupBy = names.isEmpty ? nil : names  // `group_by: []` inherits, as in Alertmanager
    }
}
