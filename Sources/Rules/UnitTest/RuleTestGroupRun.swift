import Model
import PromQL

/// One entry of a test file's `tests:`, run as promtool's `testGroup.test` runs it.
struct RuleTestGroupRun {
    let test: RuleTestGroup
    let evaluationInterval: PrometheusDuration
    let groupOrder: [String: Int]
    private let store = MemorySeriesStore()

    init(test: RuleTestGroup, evaluationInterval: PrometheusDuration, groupOrder: [String: Int]) {
        self.test = test
        self.evaluationInterval = evaluationInterval
        self.groupOrder = groupOrder
    }

    private var testName: String { test.name.isEmpty ? "" : "    name: \(test.name),\n" }

    mutating func run(ruleFiles: [String]) -> [String] {
        if let failure = loadSeries() { return [failure] }
        let groups: [RuleGroup]
        do { groups = try RuleFileLoader.load(ruleFiles, defaultInterval: evaluationInterval) } catch {
            return error.errors.map(\.description)
        }
        if let missing = test.alertTests.first(where: { $0.alertname.isEmpty }) {
            let suffix = test.name.isEmpty ? "" : " (in TestGroup \(test.name))"
            return [
                "an item under alert_rule_test misses required attribute alertname at eval_time "
                    + "\(missing.evalTime)\(suffix)"
            ]
        }
        let ordered = groups.enumerated().sorted { left, right in
            let (a, b) = (groupOrder[left.element.name] ?? 0, groupOrder[right.element.name] ?? 0)
            return a != b ? a < b : left.offset < right.offset
        }.map(\.element)
        var failures = evaluateAndCheckAlerts(ordered)
        if failures.last?.hasPrefix("    rule: ") == true { return failures }
        failures += test.promqlTests.compactMap(check)
        return failures
    }

    /// Loads `input_series` with the test's `interval` as `load` does. promtool 2.42 does not default a
    /// missing `interval`: all values then land at 0s, and the first one stays (later ones are duplicates).
    private func loadSeries() -> String? {
        let interval = test.interval?.milliseconds ?? 0
        for (series, values) in test.inputSeries {
            do {
                let (labels, parsed) = try parseSeriesDescription(Substring(series + " " + values), line: 1)
                let expanded = interval == 0 ? Array(parsed.compactMap { $0 }.prefix(1)) : parsed
                for (step, value) in expanded.enumerated() {
                    let (time, overflow) = Int64(step).multipliedReportingOverflow(by: interval)
                    if let value, !overflow { store.append(labels, timestamp: time, value: value) }
                }
            } catch {
                return "\(error)"
            }
        }
        return nil
    }

    /// Evaluates every group at each evaluation step from 0 to the largest `eval_time`, checking the alert
    /// tests whose `eval_time` falls into the step.
    private func evaluateAndCheckAlerts(_ groups: [RuleGroup]) -> [String] {
        let maxTime = (test.alertTests.map(\.evalTime) + test.promqlTests.map(\.evalTime)).max() ?? .zero
        let evalTimes = Array(Set(test.alertTests.map(\.evalTime))).sorted()
        let settings = RuleEvaluationSettings(
            externalLabels: test.externalLabels, externalURL: test.externalURL,
            defaultSubqueryStep: evaluationInterval)
        var failures: [String] = []
        var next = 0
        var time = PrometheusDuration.zero  // since the epoch, where the input series start
        while time <= maxTime {
            var evaluationErrors: [String] = []
            for group in groups {
                _ = group.evaluate(at: .epoch + time, queryable: store, sink: store, settings: settings)
                for rule in group.rules {
                    if let error = rule.status.lastError {
                        evaluationErrors.append("    rule: \(rule.name), time: \(time.goDescription), err: \(error)")
                    }
                }
            }
            failures += evaluationErrors
            if !evaluationErrors.isEmpty { return failures }
            while next < evalTimes.count, time <= evalTimes[next], evalTimes[next] < time + evaluationInterval {
                failures += checkAlerts(at: evalTimes[next], groups)
                next += 1
            }
            time += evaluationInterval
        }
        return failures
    }

    private func checkAlerts(at evalTime: PrometheusDuration, _ groups: [RuleGroup]) -> [String] {
        var failures: [String] = []
        for testCase in test.alertTests where testCase.evalTime == evalTime {
            var got: [ExpectedAlert] = []
            for group in groups {
                for rule in group.alertingRules where rule.name == testCase.alertname {
                    got += rule.activeAlerts.filter { $0.state == .firing }.map {
                        ExpectedAlert(labels: $0.labels, annotations: $0.annotations)
                    }
                }
            }
            let expected = testCase.expectedAlerts.map { alert in
                ExpectedAlert(
                    labels: Labels(alert.labels.map { Label($0.key, $0.value) }).setting(
                        "alertname", to: testCase.alertname),
                    annotations: Labels(alert.annotations.map { Label($0.key, $0.value) }))
            }.sorted()
            got.sort()
            guard expected != got else { continue }
            failures.append(
                testName + "    alertname: \(testCase.alertname), time: \(evalTime), \n"
                    + "        exp:\(indent(ExpectedAlert.describe(expected))), \n"
                    + "        got:\(indent(ExpectedAlert.describe(got)))")
        }
        return failures
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n            ")
    }

    /// Runs one `promql_expr_test`; returns the failure text, or nil when it passed.
    private func check(_ testCase: PromQLTestCase) -> String? {
        let header = "    expr: \(GoFormat.quote(testCase.expr)), time: \(testCase.evalTime)"
        let got: Vector
        do {
            got = try queryVector(
                Parser.parse(testCase.expr),
                evaluator: Evaluator(storage: store, defaultSubqueryStep: evaluationInterval),
                at: .epoch + testCase.evalTime)
        } catch {
            return header + ", err: \(error)"
        }
        var expected: [(Labels, Double)] = []
        for sample in testCase.expectedSamples {
            do {
                let (labels, _) = try parseSeriesDescription(Substring(sample.labels), line: 1)
                expected.append((labels, sample.value))
            } catch {
                return header + ", err: labels \(GoFormat.quote(sample.labels)): \(error)"
            }
        }
        expected.sort { $0.0 < $1.0 }
        let gotSamples = got.map { ($0.labels, $0.value) }.sorted { $0.0 < $1.0 }
        let equal =
            expected.count == gotSamples.count
            && zip(expected, gotSamples).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        if equal { return nil }
        return header + ",\n        exp: \(describe(expected))\n        got: \(describe(gotSamples))"
    }

    private func describe(_ samples: [(Labels, Double)]) -> String {
        if samples.isEmpty { return "nil" }
        return samples.map { "\($0.0.description) \(GoFloat.shortestExponential($0.1))" }.joined(separator: ", ")
    }
}

/// An alert as `alert_rule_test` compares it: labels and annotations.
struct ExpectedAlert: Equatable, Comparable {
    var labels: Labels
    var annotations: Labels

    static func < (lhs: ExpectedAlert, rhs: ExpectedAlert) -> Bool { lhs.labels < rhs.labels }

    /// promtool's `labelsAndAnnotations.String()`.
    static func describe(_ alerts: [ExpectedAlert]) -> String {
        if alerts.isEmpty { return "[]" }
        let items = alerts.enumerated().map { index, alert in
            "\(index):\n  Labels:\(alert.labels.description)\n  Annotations:\(alert.annotations.description)"
        }
        return "[\n" + items.joined(separator: ",\n") + "\n]"
    }
}
