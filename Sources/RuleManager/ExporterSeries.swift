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
        for source in exporterSeries {
            for series in source.series {
                history.append(series.labels, timestamp: now.milliseconds, value: series.value)
            }
        }
    }
}
