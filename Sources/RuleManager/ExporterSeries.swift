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

/// The rule engine's own per-group series (``RuleGroupFamilies``) for the rules to read, as `/metrics` shows them:
/// the shipped `RuleEvaluationsMissed` reads the missed evaluations.
struct RuleGroupSeries: ExporterSeriesSource {
    let engine: RuleEngine

    var series: [(labels: Labels, value: Double)] {
        engine.groupCounts.flatMap { counts in
            let labels = RuleGroupFamilies.labels(counts.group).map { Label($0.name, $0.value) }
            return RuleGroupFamilies.all.map { family in
                (Labels(labels + [Label(metricNameLabel, family.name)]), family.value(counts))
            }
        }
    }
}
