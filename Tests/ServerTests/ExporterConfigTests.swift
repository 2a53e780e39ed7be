import Fleet
import Server
import Testing
import YAMLConfig

struct ExporterConfigTests {
    @Test func readsTheHealthSectionOfTheDesign() throws {
        let config = try ExporterConfig.parse(
            """
            health:
              degraded_after: 90s
              unreachable_after: 5m
              stopped_retention: 24h
              by_agent_type:
                nightly-report: {degraded_after: 25h, unreachable_after: 26h}
            metrics:
              task_duration_buckets: [0.5, 1, 5]
            """, file: "hx.yml")
        #expect(config.health.defaults == HealthThresholds(degradedAfter: .seconds(90), unreachableAfter: .minutes(5)))
        #expect(config.health.stoppedRetention == .hours(24))
        #expect(
            config.health.byAgentType["nightly-report"]
                == HealthThresholds(
                    degradedAfter: .hours(25),
                    unreachableAfter: .hours(26)))
        #expect(config.taskDurationBuckets == [0.5, 1, 5])
        #expect(config.exposition == .standard)
    }

    @Test func readsTheCardinalityControls() throws {
        let config = try ExporterConfig.parse(
            "metrics: {per_agent_histograms: false, drop_labels: [pod, host]}\n", file: "hx.yml")
        #expect(config.exposition == ExpositionOptions(perAgentHistograms: false, droppedLabels: ["pod", "host"]))
        #expect(config.taskDurationBuckets == DurationHistogram.defaultUpperBounds)
    }

    @Test func readsPerAgentThresholdsAndTheBatchGrace() throws {
        let config = try ExporterConfig.parse(
            """
            health:
              by_agent:
                billing-export: {degraded_after: 2h, unreachable_after: 6h}
              batch_grace: 30m
            """, file: "hx.yml")
        #expect(
            config.health.byAgent["billing-export"]
                == HealthThresholds(degradedAfter: .hours(2), unreachableAfter: .hours(6)))
        #expect(config.health.batchGrace == .minutes(30))
    }

    @Test func anEmptyDocumentGivesTheDefaults() throws {
        #expect(try ExporterConfig.parse("", file: "hx.yml") == ExporterConfig())
        #expect(try ExporterConfig.parse("health:\n", file: "hx.yml") == ExporterConfig())
    }

    @Test func aMissingOptionalFileGivesTheDefaultsAndARequiredOneIsAnError() throws {
        let defaults = try ExporterConfig.load(path: "/nonexistent/hx.yml", mustExist: false)
        #expect(defaults.health == .standard && defaults.ruleFiles == nil && defaults.global == GlobalConfig())
        #expect(throws: ConfigError(file: "/nonexistent/hx.yml", key: "", message: "file does not exist")) {
            try ExporterConfig.load(path: "/nonexistent/hx.yml", mustExist: true)
        }
    }

    /// Each bad document and the exact message: file, line, column, key, problem.
    @Test(arguments: [
        (
            "helth:\n  degraded_after: 90s\n",
            "hx.yml:1:1: helth: unknown key (allowed: dependencies, fleet, global, health, history, inhibit_rules, metrics, notices, receivers, recovery, route, rule_files, schedules)"
        ),
        ("health:\n  degraded_after: 90\n", "hx.yml:2:19: health.degraded_after: not a valid duration string: \"90\""),
        (
            "health:\n  degraded_afte: 1m\n",
            "hx.yml:2:3: health.degraded_afte: unknown key (allowed: batch_grace, by_agent, by_agent_type, degraded_after, forget_after, stopped_retention, unreachable_after)"
        ),
        (
            "health:\n  degraded_after: 10m\n",
            "hx.yml:2:3: health: degraded_after must be shorter than unreachable_after"
        ),
        ("health:\n  unreachable_after: 0s\n", "hx.yml:2:22: health.unreachable_after: must be above 0s"),
        (
            "health:\n  by_agent_type:\n    nightly: {degraded_after: 1d, unreachable_after: 1h}\n",
            "hx.yml:3:14: health.by_agent_type.nightly: degraded_after must be shorter than unreachable_after"
        ),
        (
            "health:\n  by_agent:\n    billing: {degraded_after: 3h, unreachable_after: 2h}\n",
            "hx.yml:3:14: health.by_agent.billing: degraded_after must be shorter than unreachable_after"
        ),
        ("health:\n  batch_grace: 0s\n", "hx.yml:2:16: health.batch_grace: must be above 0s"),
        ("health:\n  batch_grace: 32d\n", "hx.yml:2:16: health.batch_grace: must be at most 31d"),
        (
            "health:\n  by_agent_type:\n    nightly: {degraded: 1d}\n",
            "hx.yml:3:15: health.by_agent_type.nightly.degraded: unknown key (allowed: degraded_after, forget_after, unreachable_after)"
        ),
        ("health: [1, 2]\n", "hx.yml:1:9: health: must be a mapping"),
        (
            "metrics:\n  task_duration_buckets: [1, 0.5]\n",
            "hx.yml:2:26: metrics.task_duration_buckets: buckets must be in strictly increasing order"
        ),
        (
            "metrics:\n  task_duration_buckets: [1, fast]\n",
            "hx.yml:2:30: metrics.task_duration_buckets[1]: must be a number, got \"fast\""
        ),
        (
            "metrics:\n  drop_labels: [host, agent]\n",
            "hx.yml:2:23: metrics.drop_labels[1]: agent cannot be dropped: it names every series of the fleet"
        ),
        (
            "metrics:\n  drop_labels: [le]\n",
            "hx.yml:2:17: metrics.drop_labels[0]: le is not an agent label: it belongs to the metric families and "
                + "cannot be dropped"
        ),
        (
            "metrics:\n  per_agent_histograms: sometimes\n",
            "hx.yml:2:25: metrics.per_agent_histograms: must be true or false"
        ),
        (
            "health:\n  degraded_after: 1m\n  degraded_after: 2m\n",
            "hx.yml:3:3: health.degraded_after: key appears twice"
        ),
    ])
    func errorsNameFileLineKeyAndProblem(yaml: String, message: String) {
        expectRefused(yaml, saying: message)
    }

    @Test func malformedYAMLNamesTheLine() {
        do {
            _ = try ExporterConfig.parse("health:\n  degraded_after: [90s\n", file: "hx.yml")
            Issue.record("accepted malformed YAML")
        } catch {
            #expect(error.line == 3 || error.line == 2)
            #expect(error.description.hasPrefix("hx.yml:"))
        }
    }
}

struct GlobalConfigTests {
    @Test func readsGlobalAndRuleFiles() throws {
        let config = try ExporterConfig.parse(
            """
            global:
              evaluation_interval: 30s
              external_labels: {fleet: prod}
              external_url: http://exporter.example:9747
              rule_history_checkpoint_interval: 5m
            rule_files: ['rules/*.yml', '/etc/hx/extra.yml']
            """, file: "hx.yml")
        #expect(config.global.evaluationInterval == .seconds(30))
        #expect(config.global.ruleHistoryCheckpointInterval == .minutes(5))
        #expect(ExporterConfig().global.ruleHistoryCheckpointInterval == .minutes(1))
        #expect(config.global.externalLabels == ["fleet": "prod"])
        #expect(config.global.externalURL == "http://exporter.example:9747")
        #expect(config.ruleFiles == ["rules/*.yml", "/etc/hx/extra.yml"])
    }

    @Test func ruleFilesDefaultToRulesBesideTheConfiguration() throws {
        let missing = try ExporterConfig.load(path: "/etc/nowhere/hx.yml", mustExist: false)
        #expect(missing.ruleFileGlobs == ["/etc/nowhere/rules/*.yml"])
        #expect(ExporterConfig().ruleFileGlobs == ["./rules/*.yml"])
    }

    @Test(arguments: [
        ("global:\n  evaluation_interval: 0s\n", "hx.yml:2:24: global.evaluation_interval: must be above 0s"),
        ("global:\n  external_labels: {0x: y}\n", "hx.yml:2:25: global.external_labels.0x: invalid label name \"0x\""),
        ("rule_files: rules/*.yml\n", "hx.yml:1:13: rule_files: must be a list"),
        (
            "global:\n  rule_history_checkpoint_interval: 0s\n",
            "hx.yml:2:37: global.rule_history_checkpoint_interval: must be above 0s"
        ),
    ])
    func globalErrorsNameKeyAndLine(yaml: String, message: String) {
        expectRefused(yaml, saying: message)
    }
}

struct AlertingSectionsTests {
    @Test func routeReceiversAndInhibitRulesAreReadWithAlertmanagerDefaults() throws {
        let config = try ExporterConfig.parse(
            """
            route:
              receiver: ops
              group_by: [alertname, agent]
              routes:
                - matchers: ['severity="critical"', 'agent=~"order-.*"']
                  receiver: pager
            receivers:
              - name: ops
                webhook_configs: [{url: 'http://127.0.0.1:9000/hook'}]
              - name: pager
                webhook_configs: [{url: 'http://127.0.0.1:9001/hook', send_resolved: false}]
            inhibit_rules:
              - source_matchers: ['alertname="AgentUnreachable"']
                target_matchers: ['alertname="AgentStuck"']
                equal: [agent]
            """, file: "hx.yml")
        let alerting = try #require(config.alerting)
        #expect(alerting.route.receiver == "ops")
        #expect(alerting.receivers.map(\.name) == ["ops", "pager"])
        #expect(alerting.receivers[1].webhookConfigs.first?.sendResolved == false)
        #expect(alerting.inhibitRules.count == 1)
        #expect(try ExporterConfig.parse("health: {degraded_after: 1m}\n", file: "hx.yml").alerting == nil)
    }

    @Test(arguments: [
        ("receivers: [{name: ops}]\n", "hx.yml:1:1: route: no route provided in config"),
        (
            "route: {receiver: nope}\nreceivers: [{name: ops}]\n",
            "hx.yml:1:19: route.receiver: undefined receiver \"nope\" used in route"
        ),
    ])
    func alertingErrorsNameKeyAndLine(yaml: String, message: String) {
        expectRefused(yaml, saying: message)
    }
}
