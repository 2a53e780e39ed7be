import YAMLConfig

/// The `route`, `inhibit_rules` and `receivers` sections, validated as Alertmanager validates them.
///
/// ```swift
/// let config = try AlertingConfig.read(route: routeReader, inhibitRules: inhibitReader, receivers: receiversReader)
/// let tree = Route(config.route)
/// ```
public struct AlertingConfig: Sendable, Equatable {
    /// The routing tree's root.
    public var route: RouteConfig
    /// The inhibition rules.
    public var inhibitRules: [InhibitRule]
    /// The receivers, by their order in the file.
    public var receivers: [ReceiverConfig]

    /// Creates a configuration from parts that are already valid.
    public init(route: RouteConfig, inhibitRules: [InhibitRule] = [], receivers: [ReceiverConfig]) {
        self.route = route
        self.inhibitRules = inhibitRules
        self.receivers = receivers
    }

    /// The receiver named `name`.
    public func receiver(named name: String) -> ReceiverConfig? {
        receivers.first { $0.name == name }
    }

    /// Reads and validates the three sections; nil when none of them is present (alerting off).
    ///
    /// - Parameters:
    ///   - document: the reader of the whole file, used for errors about a missing section.
    ///   - route, inhibitRules, receivers: the sections' readers, nil where a key is absent.
    /// - Throws: ``ConfigError`` naming the file, line, column and key, with Alertmanager's wording
    ///   (`undefined receiver "x" used in route`, `root route must not have any matchers`, …).
    public static func read(
        document: YAMLNodeReader, route: YAMLNodeReader?, inhibitRules: YAMLNodeReader?,
        receivers: YAMLNodeReader?
    ) throws(ConfigError) -> AlertingConfig? {
        if route == nil && inhibitRules == nil && receivers == nil { return nil }
        guard let route else { throw document.error("no route provided in config", key: "route") }
        let routeConfig = try RouteConfig.read(route)
        let receiverConfigs = try readReceivers(receivers)
        let rules = try inhibitRules?.sequence().map { item throws(ConfigError) in try InhibitRule.read(item) } ?? []
        try validateRoot(routeConfig, route)
        try checkReceivers(routeConfig, Set(receiverConfigs.map(\.name)))
        return AlertingConfig(route: routeConfig, inhibitRules: rules, receivers: receiverConfigs)
    }

    private static func readReceivers(_ reader: YAMLNodeReader?) throws(ConfigError) -> [ReceiverConfig] {
        guard let reader else { return [] }
        var receivers: [ReceiverConfig] = []
        for item in try reader.sequence() {
            let receiver = try ReceiverConfig.read(item)
            if receivers.contains(where: { $0.name == receiver.name }) {
                throw item.error(
                    "notification config name \"\(receiver.name)\" is not unique", key: item.childPath("name"))
            }
            receivers.append(receiver)
        }
        return receivers
    }

    private static func validateRoot(_ root: RouteConfig, _ reader: YAMLNodeReader) throws(ConfigError) {
        guard let receiver = root.receiver, !receiver.isEmpty else {
            throw reader.error("root route must specify a default receiver")
        }
        if !root.matchers.isEmpty { throw reader.error("root route must not have any matchers") }
        if root.continue { throw reader.error("cannot have continue in root route") }
    }

    private static func checkReceivers(_ route: RouteConfig, _ names: Set<String>) throws(ConfigError) {
        if let receiver = route.receiver, !receiver.isEmpty, !names.contains(receiver) {
            let message = "undefined receiver \"\(receiver)\" used in route"
            throw route.receiverSite?.error(message) ?? ConfigError(file: "", key: "route", message: message)
        }
        for child in route.routes {
            try checkReceivers(child, names)
        }
    }
}
