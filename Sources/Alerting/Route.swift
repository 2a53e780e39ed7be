import Model

/// The options a matching route applies to an alert, after inheritance from its ancestors.
public struct RouteOptions: Sendable, Equatable {
    /// The receiver notified.
    public var receiver: String
    /// Labels whose values split alerts into groups.
    public var groupBy: Set<String>
    /// Whether every label splits groups (`group_by: ['...']`).
    public var groupByAll: Bool
    /// How long to wait before a new group's first notification.
    public var groupWait: PrometheusDuration
    /// How long between notifications about a group that changed.
    public var groupInterval: PrometheusDuration
    /// How long after which an unchanged group is notified again.
    public var repeatInterval: PrometheusDuration

    /// Alertmanager's defaults for the root: no receiver, no grouping, 30s, 5m, 4h.
    public static let defaults = RouteOptions(
        receiver: "", groupBy: [], groupByAll: false,
        groupWait: .seconds(30), groupInterval: .minutes(5),
        repeatInterval: .hours(4))

    /// Creates options.
    public init(
        receiver: String, groupBy: Set<String>, groupByAll: Bool, groupWait: PrometheusDuration,
        groupInterval: PrometheusDuration, repeatInterval: PrometheusDuration
    ) {
        self.receiver = receiver
        self.groupBy = groupBy
        self.groupByAll = groupByAll
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
    }
}

/// A node of the routing tree with its inherited options, as Alertmanager's `dispatch.Route`.
public final class Route: Sendable {
    /// The options for alerts this node handles.
    public let options: RouteOptions
    /// The node's matchers, in Alertmanager's order (name, value, kind).
    public let matchers: [LabelMatcher]
    /// Whether matching continues with the next sibling after this node matched.
    public let `continue`: Bool
    /// The children, in order.
    public let routes: [Route]
    /// Alertmanager's route key: the parent's key, `/`, and this node's matchers: `{}/{severity="critical"}`.
    public let key: String
    /// The node's place in the tree (`0`, `0/1`, …): unique even where siblings have the same matchers and
    /// therefore the same ``key``, as Alertmanager keeps one set of groups per route node.
    public let position: String

    /// Builds the tree from the configuration; the root inherits ``RouteOptions/defaults``.
    public convenience init(_ config: RouteConfig) {
        self.init(config, parentOptions: .defaults, parentKey: nil, position: "0")
    }

    private init(_ config: RouteConfig, parentOptions: RouteOptions, parentKey: String?, position: String) {
        let options = Self.inherit(parentOptions, config)
        let matchers = config.matchers.sorted(by: LabelMatcher.alertmanagerOrder)
        let key = (parentKey.map { $0 + "/" } ?? "") + matchers.alertmanagerDescription
        self.options = options
        self.matchers = matchers
        self.continue = config.continue
        self.key = key
        self.position = position
        self.routes = config.routes.enumerated().map { index, child in
            Route(child, parentOptions: options, parentKey: key, position: position + "/\(index)")
        }
    }

    private static func inherit(_ parent: RouteOptions, _ config: RouteConfig) -> RouteOptions {
        var options = parent
        if let receiver = config.receiver, !receiver.isEmpty { options.receiver = receiver }
        if let groupBy = config.groupBy {
            options.groupBy = Set(groupBy)
            options.groupByAll = false
        } else if config.groupByAll {
            options.groupByAll = true
        }
        if let wait = config.groupWait { options.groupWait = wait }
        if let interval = config.groupInterval { options.groupInterval = interval }
        if let repeatInterval = config.repeatInterval { options.repeatInterval = repeatInterval }
        return options
    }

    /// The nodes that handle an alert with `labels`: a depth-first, left-to-right search where a matching
    /// child stops the search among its siblings unless it has `continue`, and a matching node without
    /// matching children handles the alert itself. Empty when this node does not match.
    public func match(_ labels: Labels) -> [Route] {
        guard matchers.matches(labels) else { return [] }
        var all: [Route] = []
        for child in routes {
            let matches = child.match(labels)
            all += matches
            if !matches.isEmpty && !child.continue { break }
        }
        return all.isEmpty ? [self] : all
    }

    /// The labels of `labels` that name the alert's group under this node.
    public func groupLabels(_ labels: Labels) -> Labels {
        options.groupByAll ? labels : labels.keeping(Array(options.groupBy))
    }

    /// Visits this node and its descendants depth first.
    public func walk(_ visit: (Route) -> Void) {
        visit(self)
        for child in routes { child.walk(visit) }
    }
}
