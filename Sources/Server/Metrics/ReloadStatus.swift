import Exposition
import Model
import Synchronization

/// `heartbeat_exporter_config_last_reload_successful` and `…_success_timestamp_seconds`, as Prometheus names them
/// (and the same pair for the web configuration, `heartbeat_exporter_web_config_…`).
final class ReloadStatus: MetricsSource {
    /// The metric names' common start, e.g. `heartbeat_exporter_config`.
    private let prefix: String
    /// What is reloaded, for the help text.
    private let subject: String
    /// Whether the last configuration reload succeeded (1), and when it last succeeded (milliseconds).
    private let successful = Atomic<UInt64>(1)
    private let successTime = Atomic<Int64>(0)

    /// Starts as a successful load at `startTime` (the configuration read at start).
    init(startTime: Timestamp, metricPrefix: String = "heartbeat_exporter_config") {
        prefix = metricPrefix
        subject = metricPrefix.hasSuffix("web_config") ? "web configuration" : "configuration"
        successTime.store(startTime.milliseconds, ordering: .relaxed)
    }

    func record(succeeded: Bool, at time: Timestamp) {
        successful.store(succeeded ? 1 : 0, ordering: .relaxed)
        if succeeded { successTime.store(time.milliseconds, ordering: .relaxed) }
    }

    func write(into writer: inout ExpositionWriter) {
        writer.family(
            "\(prefix)_last_reload_successful", type: .gauge, help: "Whether the last \(subject) reload succeeded.")
        writer.sample("\(prefix)_last_reload_successful", .empty, value: Double(successful.load(ordering: .relaxed)))
        writer.family(
            "\(prefix)_last_reload_success_timestamp_seconds", type: .gauge,
            help: "Unix time of the last successful \(subject) load.")
        writer.sample(
            "\(prefix)_last_reload_success_timestamp_seconds", .empty,
            time: Timestamp(milliseconds: successTime.load(ordering: .relaxed)))
    }
}
