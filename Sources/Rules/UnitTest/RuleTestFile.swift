import Model

/// A `promtool test rules` file.
struct RuleTestFile {
    var ruleFiles: [String] = []
    var evaluationInterval = PrometheusDuration.minutes(1)
    var groupEvalOrder: [String] = []
    var tests: [RuleTestGroup] = []
}

/// One entry of `tests:`.
struct RuleTestGroup {
    var name = ""
    var interval: PrometheusDuration?
    var inputSeries: [(series: String, values: String)] = []
    var alertTests: [AlertTestCase] = []
    var promqlTests: [PromQLTestCase] = []
    var externalLabels: [String: String] = [:]
    var externalURL = ""
}

/// One `alert_rule_test` entry.
struct AlertTestCase {
    var evalTime = PrometheusDuration.zero
    var alertname = ""
    var expectedAlerts: [(labels: [String: String], annotations: [String: String])] = []
}

/// One `promql_expr_test` entry.
struct PromQLTestCase {
    var expr = ""
    var evalTime = PrometheusDuration.zero
    var expectedSamples: [(labels: String, value: Double)] = []
}
