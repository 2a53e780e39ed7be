import Exposition
import Rules

extension RuleEngine: MetricsSource {
    /// The rule engine's own metrics (DESIGN §7): alerts by state, and per group the last evaluation, its
    /// duration, failures, interval, and the evaluations due and missed; the size of the rule history and its last
    /// checkpoint.
    public func write(into writer: inout ExpositionWriter) {
        RuleMetricsWriter.write(self, into: &writer)
    }
}

/// The rule engine's per-group families, `{file,group}` each: written to `/metrics` and offered to rules alike
/// (``RuleGroupSeries``), so both see the same names and values.
enum RuleGroupFamilies {
    struct Family: Sendable {
        let name: String
        let type: MetricType
        let help: String
        let value: @Sendable (RuleEngine.GroupCounts) -> Double
    }

    static let all: [Family] = [
        Family(
            name: "heartbeat_exporter_last_evaluation_timestamp_seconds", type: .gauge,
            help: "Unix time of the rule group's last evaluation."
        ) { $0.group.lastEvaluation.timestamp?.seconds ?? 0 },
        Family(
            name: "heartbeat_exporter_rule_evaluation_failures_total", type: .counter,
            help: "Rule evaluations that failed, per group."
        ) { Double($0.failures) },
        Family(
            name: "heartbeat_exporter_rule_group_last_duration_seconds", type: .gauge,
            help: "How long the rule group's last evaluation took."
        ) { $0.group.lastEvaluation.durationSeconds },
        Family(
            name: "heartbeat_exporter_rule_group_interval_seconds", type: .gauge,
            help: "How often the rule group is evaluated."
        ) { Double($0.group.interval.milliseconds) / 1000 },
        Family(
            name: "heartbeat_exporter_rule_group_iterations_total", type: .counter,
            help: "Evaluations of the rule group that were due, missed ones included."
        ) { Double($0.iterations) },
        Family(
            name: "heartbeat_exporter_rule_group_iterations_missed_total", type: .counter,
            help: "Evaluations of the rule group skipped because the one before was still running when they were due."
        ) { Double($0.missed) },
    ]

    /// The labels of `group`'s series.
    static func labels(_ group: RuleGroup) -> [(name: String, value: String)] {
        [("file", group.file), ("group", group.name)]
    }
}

enum RuleMetricsWriter {
    static func write(_ engine: RuleEngine, into writer: inout ExpositionWriter) {
        let groups = engine.groupCounts
        writeAlertCounts(groups.map(\.group), into: &writer)
        if !groups.isEmpty {
            let labels = groups.map { RenderedLabels(RuleGroupFamilies.labels($0.group)) }
            for family in RuleGroupFamilies.all {
                writer.family(family.name, type: family.type, help: family.help)
                for (counts, labels) in zip(groups, labels) {
                    writer.sample(family.name, labels, value: family.value(counts))
                }
            }
        }
        let size = engine.history.usage
        writer.family(
            "heartbeat_exporter_rule_history_samples", type: .gauge,
            help: "Samples kept for the rules' ranges and lookback.")
        writer.sample("heartbeat_exporter_rule_history_samples", .empty, value: Double(size.samples))
        writer.family(
            "heartbeat_exporter_rule_history_series", type: .gauge,
            help: "Series kept for the rules' ranges and lookback.")
        writer.sample("heartbeat_exporter_rule_history_series", .empty, value: Double(size.series))
        writer.family(
            "heartbeat_exporter_rule_history_bytes", type: .gauge,
            help: "Bytes held for the rules' history samples (timestamps and values, with their slack).")
        writer.sample("heartbeat_exporter_rule_history_bytes", .empty, value: Double(size.bytes))
        guard let checkpoint = engine.lastCheckpoint else { return }
        writer.family(
            "heartbeat_exporter_rule_history_last_checkpoint_timestamp_seconds", type: .gauge,
            help: "Unix time of the rule history's last checkpoint to storage.")
        writer.sample(
            "heartbeat_exporter_rule_history_last_checkpoint_timestamp_seconds", .empty, value: checkpoint.at.seconds)
        writer.family(
            "heartbeat_exporter_rule_history_last_checkpoint_duration_seconds", type: .gauge,
            help: "How long the rule history's last checkpoint took; the next waits at least 20 times as long.")
        writer.sample(
            "heartbeat_exporter_rule_history_last_checkpoint_duration_seconds", .empty,
            value: Double(checkpoint.duration.milliseconds) / 1000)
    }

    /// `heartbeat_exporter_alerts{alertname,state}`: pending and firing alerts per alert name.
    private static func writeAlertCounts(_ groups: [RuleGroup], into writer: inout ExpositionWriter) {
        var counts: [String: (pending: Int, firing: Int)] = [:]
        for rule in groups.flatMap(\.alertingRules) {
            var entry = counts[rule.name] ?? (0, 0)
            for alert in rule.activeAlerts {
                if alert.state == .pending { entry.pending += 1 }
                if alert.state == .firing { entry.firing += 1 }
            }
            counts[rule.name] = entry
        }
        guard !counts.isEmpty else { return }
        writer.family("heartbeat_exporter_alerts", type: .gauge, help: "Active alerts, by alert name and state.")
        for name in counts.keys.sorted() {
            let labels = RenderedLabels([("alertname", name)])
            writer.sample(
                "heartbeat_exporter_alerts", labels, extraLabel: "state", extraValue: "firing",
                value: Double(counts[name]?.firing ?? 0))
            writer.sample(
                "heartbeat_exporter_alerts", labels, extraLabel: "state", extraValue: "pending",
                value: Double(counts[name]?.pending ?? 0))
        }
    }
}
