import Exposition
import Model

extension HeartbeatRejections: MetricsSource {
    /// The counter's name.
    public static let metricName = "heartbeat_exporter_heartbeats_rejected_total"

    /// `heartbeat_exporter_heartbeats_rejected_total{reason}`, every reason from the start.
    public func write(into writer: inout ExpositionWriter) {
        writer.family(
            Self.metricName, type: .counter,
            help: "Heartbeats rejected, by reason; GET /api/v1/rejections lists the agents and errors.")
        for (reason, total) in totals.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            writer.sample(
                Self.metricName, .empty, extraLabel: "reason", extraValue: reason.rawValue, value: Double(total))
        }
    }

    /// The counter's series as a Prometheus scraping the exporter would read them (without `job` and
    /// `instance`), for the rule engine.
    public var series: [(labels: Labels, value: Double)] {
        totals.sorted(by: { $0.key.rawValue < $1.key.rawValue }).map { reason, total in
            (Labels([Label(metricNameLabel, Self.metricName), Label("reason", reason.rawValue)]), Double(total))
        }
    }
}
