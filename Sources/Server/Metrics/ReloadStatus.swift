import Exposition
import Synchronization

/// `heartbeat_exporter_config_last_reload_successful` and `…_success_timestamp_seconds`, as Prometheus names them.
final class ReloadStatus: MetricsSource {
    /// Whether the last configuration reload succeeded (1) and when, as Double bit patterns.
    private let successful = Atomic<UInt64>(1)
    private let successTime = Atomic<UInt64>(0)

    /// Starts as a successful load at `startTime` (the configuration read at start).
    init(startTime: Double) {
        successTime.store(startTime.bitPattern, ordering: .relaxed)
    }

    func record(succeeded: Bool, at time: Double) {
        successful.store(succeeded ? 1 : 0, ordering: .relaxed)
        if succeeded { successTime.store(time.bitPattern, ordering: .relaxed) }
    }

    func write(into writer: inout ExpositionWriter) {
        writer.family("heartbeat_exporter_config_last_reload_successful", type: .gauge,
                      help: "Whether the last configuration reload succeeded.")
        writer.sample("heartbeat_exporter_config_last_reload_successful", .empty,
                      value: Double(successful.load(ordering: .relaxed)))
        writer.family("heartbeat_exporter_config_last_reload_success_timestamp_seconds", type: .gauge,
                      help: "Unix time of the last successful configuration load.")
        writer.sample("heartbeat_exporter_config_last_reload_success_timestamp_seconds", .empty,
                      value: Double(bitPattern: successTime.load(ordering: .relaxed)))
    }
}
