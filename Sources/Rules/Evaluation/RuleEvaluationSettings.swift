import Model

/// What rules need besides the query: settings of the group and the server.
public struct RuleEvaluationSettings: Sendable {
    /// `$externalLabels` in templates.
    public var externalLabels: [String: String]
    /// `$externalURL` in templates.
    public var externalURL: String
    /// The group's `limit` (0: none).
    public var limit: Int
    /// The step of a subquery written without one (`x[1h:]`): Prometheus' global `evaluation_interval` (the
    /// test file's `evaluation_interval` under `promtool test rules`).
    public var defaultSubqueryStep: PrometheusDuration

    /// Creates settings.
    public init(
        externalLabels: [String: String] = [:], externalURL: String = "", limit: Int = 0,
        defaultSubqueryStep: PrometheusDuration = .minutes(1)
    ) {
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.limit = limit
        self.defaultSubqueryStep = defaultSubqueryStep
    }
}
