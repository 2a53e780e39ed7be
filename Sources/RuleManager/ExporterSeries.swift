import Fleet
import Model
import Series

/// Series of the exporter itself, beside the fleet's, that rules may read — as a Prometheus scraping the
/// exporter would read them, without `job` and `instance` — such as the rejected heartbeats' counter.
public protocol ExporterSeriesSource: Sendable {
    /// The series now, each with its `__name__`.
    var series: [(labels: Labels, value: Double)] { get }
}

extension HeartbeatRejections: ExporterSeriesSource {}

extension RuleEngine {
    /// Records the exporter's own series that the rules read (the history keeps only those) at `now`.
    func sampleExporterSeries(at now: Timestamp) {
        for source in exporterSeries + [RuleGroupSeries(engine: self)] {
            for series in source.series {
                history.append(series.labels, timestamp: now.milliseconds, value: series.value)
            }
        }
    }
}

/// The rule engine's own per-group series that rules may read: evaluations due and missed, the last evaluation's
/// duration and the interval (the shipped `RuleEvaluationsMissed` reads the missed evaluations).
struct RuleGroupSeries: ExporterSeriesSource {
    let engine: RuleEngine

    var series: [(labels: Labels, value: Double)] {
        engine.iterationsByGroup.flatMap { group, iterations, missed in
            let labels = [Label("file", group.file), Label("group", group.name)]
            func series(_ name: String, _ value: Double) -> (labels: Labels, value: Double) {
                (Labels(labels + [Label(metricNameLabel, name)]), value)
            }
            return [
                series("heartbeat_exporter_rule_group_iterations_total", Double(iterations)),
                series("heartbeat_exporter_rule_group_iterations_missed_total", Double(missed)),
                series("heartbeat_exporter_rule_group_last_duration_seconds", group.lastEvaluation.durationSeconds),
                series("heartbeat_exporter_rule_group_interval_seconds", Double(group.interval.milliseconds) / 1000),
            ]
        }
    }
}
