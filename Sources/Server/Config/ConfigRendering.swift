import Alerting
import Fleet
import Model
import Recovery
import Yams

/// The configuration in force, written back as YAML for `GET /api/v2/status`'s `config.original` (what
/// `amtool config show` prints), with every secret as `<secret>`, as Alertmanager renders its own configuration.
///
/// It is rendered from the parsed ``ExporterConfig``, never from the file's text, so no way of writing the file
/// (flow style, quoted keys, values on the next line, anchors) can let a secret through, and what is shown is what
/// is in force — not a file edited since, whose reload may have failed. Defaults are written out, as Alertmanager
/// and Prometheus show theirs. Secrets: every webhook and `alertmanager_configs` URL (Alertmanager's `SecretURL`,
/// since a URL often carries a token), every recovery webhook step's URL, and every
/// `http_config.authorization.credentials` (its `Secret`).
enum ConfigRendering {
    /// What a secret is shown as.
    static let secret = "<secret>"

    /// `config` as a YAML document.
    static func yaml(_ config: ExporterConfig) -> String {
        var sections: [(String, Node)] = [
            ("health", health(config.health)),
            ("metrics", metrics(config)),
            ("global", global(config.global)),
            ("rule_files", sequence((config.ruleFiles ?? ["rules/*.yml"]).map(string))),
        ]
        if let alerting = config.alerting {
            sections.append(("route", route(alerting.route)))
            if !alerting.inhibitRules.isEmpty {
                sections.append(("inhibit_rules", inhibitRules(alerting.inhibitRules)))
            }
            sections.append(("receivers", sequence(alerting.receivers.map(receiver))))
        }
        if !config.health.schedules.isEmpty {
            sections.append(("schedules", sequence(config.health.schedules.map(schedule))))
        }
        if !config.dependencies.isEmpty {
            sections.append(
                (
                    "dependencies",
                    sequence(
                        config.dependencies.map { rule in
                            mapping([
                                ("matchers", sequence(rule.matchers.map { string($0.alertmanagerText) })),
                                ("depends_on", sequence(rule.dependsOn.map(string))),
                            ])
                        })
                ))
        }
        let fleet = config.expectedFleet
        if !fleet.agents.isEmpty || !fleet.minimumByAgentType.isEmpty {
            sections.append(("fleet", mapping([("expected", expected(fleet))])))
        }
        if !config.recoveryLadders.isEmpty {
            sections.append(("recovery", mapping([("ladders", sequence(config.recoveryLadders.map(ladder)))])))
        }
        do {
            return try Yams.serialize(node: mapping(sections), width: -1, allowUnicode: true)
        } catch {
            return "# the configuration could not be rendered: \(error)\n"
        }
    }

    private static func health(_ policy: HealthPolicy) -> Node {
        var entries = thresholds(policy.defaults) + [("stopped_retention", duration(policy.stoppedRetention))]
        if !policy.byAgentType.isEmpty || !policy.forgetAfterByType.isEmpty {
            let types = Set(policy.byAgentType.keys).union(policy.forgetAfterByType.keys).sorted().map { type in
                var entries = policy.byAgentType[type].map(thresholds) ?? []
                if let forgetAfter = policy.forgetAfterByType[type] {
                    entries.append(("forget_after", duration(forgetAfter)))
                }
                return (type, mapping(entries))
            }
            entries.append(("by_agent_type", mapping(types)))
        }
        if !policy.byAgent.isEmpty {
            let agents = policy.byAgent.sorted { $0.key < $1.key }.map { ($0.key, mapping(thresholds($0.value))) }
            entries.append(("by_agent", mapping(agents)))
        }
        if let grace = policy.batchGrace { entries.append(("batch_grace", duration(grace))) }
        if let forgetAfter = policy.forgetAfter { entries.append(("forget_after", duration(forgetAfter))) }
        return mapping(entries)
    }

    private static func schedule(_ rule: ScheduleRule) -> Node {
        mapping([("matchers", sequence(rule.matchers.map { string($0.alertmanagerText) }))] + schedule(rule.schedule))
    }

    private static func schedule(_ schedule: AgentSchedule) -> [(String, Node)] {
        var entries: [(String, Node)] = [
            ("cron", string(schedule.cron.expression.text)),
            ("timezone", string(schedule.cron.timeZone.identifier)),
            ("grace", duration(schedule.grace)),
        ]
        if let maxRuntime = schedule.maxRuntime { entries.append(("max_runtime", duration(maxRuntime))) }
        return entries
    }

    /// `fleet.expected`: the agents with their type, labels and schedule, and the minimum counts by type.
    private static func expected(_ fleet: ExpectedFleet) -> Node {
        let agents = fleet.agents.map { agent in
            var entries: [(String, Node)] = [("name", string(agent.name))]
            if let agentType = agent.agentType { entries.append(("agent_type", string(agentType))) }
            if !agent.labels.isEmpty {
                entries.append(("labels", mapping(agent.labels.map { ($0.name, string($0.value)) })))
            }
            if let schedule = agent.schedule { entries.append(("schedule", mapping(self.schedule(schedule)))) }
            return mapping(entries)
        }
        let minimums = fleet.minimumByAgentType.sorted { $0.key < $1.key }.map { ($0.key, number(Double($0.value))) }
        return mapping([("agents", sequence(agents)), ("minimum_by_agent_type", mapping(minimums))])
    }

    private static func thresholds(_ thresholds: HealthThresholds) -> [(String, Node)] {
        [
            ("degraded_after", duration(thresholds.degradedAfter)),
            ("unreachable_after", duration(thresholds.unreachableAfter)),
        ]
    }

    private static func global(_ global: GlobalConfig) -> Node {
        var entries: [(String, Node)] = [("evaluation_interval", duration(global.evaluationInterval))]
        if !global.externalLabels.isEmpty {
            entries.append(
                (
                    "external_labels",
                    mapping(global.externalLabels.sorted { $0.key < $1.key }.map { ($0.key, string($0.value)) })
                ))
        }
        if let url = global.externalURL { entries.append(("external_url", string(url))) }
        entries.append(("rule_history_checkpoint_interval", duration(global.ruleHistoryCheckpointInterval)))
        return mapping(entries)
    }

    private static func route(_ route: RouteConfig) -> Node {
        var entries: [(String, Node)] = []
        if let receiver = route.receiver { entries.append(("receiver", string(receiver))) }
        if route.groupByAll {
            entries.append(("group_by", flowSequence([string("...")])))
        } else if let groupBy = route.groupBy {
            entries.append(("group_by", flowSequence(groupBy.map(string))))
        }
        if !route.matchers.isEmpty {
            entries.append(("matchers", sequence(route.matchers.map { string($0.alertmanagerText) })))
        }
        if route.continue { entries.append(("continue", plain("true"))) }
        if let wait = route.groupWait { entries.append(("group_wait", duration(wait))) }
        if let interval = route.groupInterval { entries.append(("group_interval", duration(interval))) }
        if let interval = route.repeatInterval { entries.append(("repeat_interval", duration(interval))) }
        if !route.routes.isEmpty { entries.append(("routes", sequence(route.routes.map(Self.route)))) }
        return mapping(entries)
    }

    private static func inhibitRules(_ rules: [InhibitRule]) -> Node {
        sequence(
            rules.map { rule in
                var entries: [(String, Node)] = []
                if !rule.sourceMatchers.isEmpty {
                    entries.append(
                        ("source_matchers", sequence(rule.sourceMatchers.map { string($0.alertmanagerText) })))
                }
                if !rule.targetMatchers.isEmpty {
                    entries.append(
                        ("target_matchers", sequence(rule.targetMatchers.map { string($0.alertmanagerText) })))
                }
                if !rule.equal.isEmpty { entries.append(("equal", flowSequence(rule.equal.map(string)))) }
                return mapping(entries)
            })
    }

    private static func receiver(_ receiver: ReceiverConfig) -> Node {
        var entries: [(String, Node)] = [("name", string(receiver.name))]
        if !receiver.webhookConfigs.isEmpty {
            entries.append(("webhook_configs", sequence(receiver.webhookConfigs.map(webhook))))
        }
        if !receiver.alertmanagerConfigs.isEmpty {
            entries.append(("alertmanager_configs", sequence(receiver.alertmanagerConfigs.map(alertmanager))))
        }
        return mapping(entries)
    }

    private static func webhook(_ webhook: WebhookConfig) -> Node {
        var entries: [(String, Node)] = [
            ("send_resolved", plain(webhook.sendResolved ? "true" : "false")),
            ("url", plain(secret)),
            ("max_alerts", plain(String(webhook.maxAlerts))),
        ]
        if let timeout = webhook.timeout { entries.append(("timeout", duration(timeout))) }
        if let authorization = webhook.authorization { entries.append(("http_config", httpConfig(authorization))) }
        return mapping(entries)
    }

    private static func alertmanager(_ target: AlertmanagerTarget) -> Node {
        var entries: [(String, Node)] = [("url", plain(secret)), ("timeout", duration(target.timeout))]
        if let authorization = target.authorization { entries.append(("http_config", httpConfig(authorization))) }
        return mapping(entries)
    }

    private static func httpConfig(_ authorization: HTTPAuthorization) -> Node {
        mapping([
            ("authorization", mapping([("type", string(authorization.type)), ("credentials", plain(secret))]))
        ])
    }

    /// A recovery ladder, every default written out; a webhook step's URL is a secret like a receiver's.
    private static func ladder(_ ladder: RecoveryLadder) -> Node {
        mapping([
            ("name", string(ladder.name)),
            ("matchers", sequence(ladder.matchers.map { string($0.alertmanagerText) })),
            ("trigger", string(ladder.trigger.rawValue)),
            ("max_runs_per_hour", plain(String(ladder.maxRunsPerHour))),
            ("steps", sequence(ladder.steps.map(step))),
        ])
    }

    private static func step(_ step: RecoveryStep) -> Node {
        switch step.action {
        case .command(let arguments):
            return mapping([
                ("name", string(step.name)), ("command", flowSequence(arguments.map(string))),
                ("timeout", duration(step.timeout)), ("wait", duration(step.wait)),
            ])
        case .webhook:
            let webhook = mapping([("url", plain(secret)), ("timeout", duration(step.timeout))])
            return mapping([("name", string(step.name)), ("webhook", webhook), ("wait", duration(step.wait))])
        }
    }

    // MARK: - Nodes

    private static func mapping(_ entries: [(String, Node)]) -> Node {
        .mapping(Node.Mapping(entries.map { (string($0.0), $0.1) }))
    }

    private static func sequence(_ items: [Node]) -> Node {
        .sequence(Node.Sequence(items))
    }

    private static func metrics(_ config: ExporterConfig) -> Node {
        var entries: [(String, Node)] = [
            ("task_duration_buckets", flowSequence(config.taskDurationBuckets.map(number))),
            ("per_agent_histograms", plain(config.exposition.perAgentHistograms ? "true" : "false")),
        ]
        if !config.exposition.droppedLabels.isEmpty {
            entries.append(("drop_labels", flowSequence(config.exposition.droppedLabels.sorted().map(string))))
        }
        return mapping(entries)
    }

    private static func flowSequence(_ items: [Node]) -> Node {
        .sequence(Node.Sequence(items, .implicit, .flow))
    }

    /// A string, quoted when YAML would otherwise read it as another type (`true`, `1`, `null`, `~`).
    private static func string(_ text: String) -> Node {
        let node = Node.scalar(Node.Scalar(text))
        return Resolver.default.resolveTag(of: node) == .str
            ? node : .scalar(Node.Scalar(text, .implicit, .doubleQuoted))
    }

    /// A scalar written as it is: a number, a boolean, a duration, `<secret>`.
    private static func plain(_ text: String) -> Node {
        .scalar(Node.Scalar(text))
    }

    private static func duration(_ span: PrometheusDuration) -> Node {
        plain(span.description)
    }

    private static func number(_ value: Double) -> Node {
        plain(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }
}
