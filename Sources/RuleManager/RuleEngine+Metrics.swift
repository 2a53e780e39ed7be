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

enum RuleMetricsWriter {
    static func write(_ engine: RuleEngine, into writer: inout ExpositionWriter) {
        let groups = engine.failuresByGroup
        writeAlertCounts(groups.map(\.group), into: &writer)
        writePerGroup(
            groups, "heartbeat_exporter_last_evaluation_timestamp_seconds", .gauge,
            "Unix time of the rule group's last evaluation.", into: &writer
        ) { group, _ in
            group.lastEvaluation.timestamp?.seconds ?? 0
        }
        writePerGroup(
            groups, "heartbeat_exporter_rule_evaluation_failures_total", .counter,
            "Rule evaluations that failed, per group.", into: &writer
        ) { _, failures in Double(failures) }
        writePerGroup(
            groups, "heartbeat_exporter_rule_group_last_duration_seconds", .gauge,
            "How long the rule group's last evaluation took.", into: &writer
        ) { group, _ in
            group.lastEvaluation.durationSeconds
        }
        writePerGroup(
            groups, "heartbeat_exporter_rule_group_interval_seconds", .gauge,
            "How often the rule group is evaluated.", into: &writer
        ) { group, _ in
            Double(group.interval.milliseconds) / 1000
        }
        let iterations = engine.iterationsByGroup
        writePerGroup(
            iterations.map { ($0.group, $0.iterations) }, "heartbeat_exporter_rule_group_iterations_total", .counter,
            "Evaluations of the rule group that were due, missed ones included.", into: &writer
        ) { _, count in Double(count) }
        writePerGroup(
            iterations.map { ($0.group, $0.missed) }, "heartbeat_exporter_rule_group_iterations_missed_total",
            .counter,
            "Evaluations of the rule group skipped because the one before was still running when they were due.",
            into: &writer
        ) { _, count in Double(count) }
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

    private static func writePerGroup(
        _ groups: [(group: RuleGroup, failures: UInt64)], _ name: String, _ type: MetricType, _ help: String,
        into writer: inout ExpositionWriter, _ value: (RuleGroup, UInt64) -> Double
    ) {
        guard !groups.isEmpty else { return }
        writer.family(name, type: type, help: help)
        for (group, failures) in groups {
            writer.sample(
                name, RenderedLabels([("file", group.file), ("group", group.name)]),
                value: value(group, failures))
        }
    }
}
