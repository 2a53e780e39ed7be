import Exposition
import Model
import Synchronization

/// The exporter's own counters that are not derived from the fleet snapshot.
final class ExporterMetrics: Sendable {
    /// The outcomes of received heartbeats, for `heartbeat_exporter_heartbeats_received_total{result}`.
    enum HeartbeatResult: String, CaseIterable {
        /// Counted.
        case accepted
        /// A retry of a beat already counted.
        case duplicate
        /// Malformed JSON or a field out of range (400, 413, 422).
        case invalid
        /// An agent or label limit was reached (429).
        case limited
        /// Missing or wrong token (401).
        case unauthorized
    }

    // One atomic per result, so counting never serialises the request threads behind a lock.
    private let accepted = Atomic<UInt64>(0)
    private let duplicate = Atomic<UInt64>(0)
    private let invalid = Atomic<UInt64>(0)
    private let limited = Atomic<UInt64>(0)
    private let unauthorized = Atomic<UInt64>(0)
    private let flushesSucceeded = Atomic<UInt64>(0)
    private let flushesFailed = Atomic<UInt64>(0)
    /// The last flush's duration, as bit pattern of a Double.
    private let lastFlushSeconds = Atomic<UInt64>(0)
    /// Whether the last configuration reload succeeded (1), and when it last succeeded (milliseconds).
    private let reloadSuccessful = Atomic<UInt64>(1)
    private let reloadSuccessTime = Atomic<Int64>(0)

    init(startTime: Timestamp) {
        reloadSuccessTime.store(startTime.milliseconds, ordering: .relaxed)
    }

    func count(_ result: HeartbeatResult, by amount: UInt64 = 1) {
        switch result {
        case .accepted: accepted.wrappingAdd(amount, ordering: .relaxed)
        case .duplicate: duplicate.wrappingAdd(amount, ordering: .relaxed)
        case .invalid: invalid.wrappingAdd(amount, ordering: .relaxed)
        case .limited: limited.wrappingAdd(amount, ordering: .relaxed)
        case .unauthorized: unauthorized.wrappingAdd(amount, ordering: .relaxed)
        }
    }

    private func total(_ result: HeartbeatResult) -> UInt64 {
        switch result {
        case .accepted: accepted.load(ordering: .relaxed)
        case .duplicate: duplicate.load(ordering: .relaxed)
        case .invalid: invalid.load(ordering: .relaxed)
        case .limited: limited.load(ordering: .relaxed)
        case .unauthorized: unauthorized.load(ordering: .relaxed)
        }
    }

    func recordFlush(succeeded: Bool, duration: PrometheusDuration) {
        if succeeded {
            flushesSucceeded.wrappingAdd(1, ordering: .relaxed)
        } else {
            flushesFailed.wrappingAdd(1, ordering: .relaxed)
        }
        lastFlushSeconds.store(duration.seconds.bitPattern, ordering: .relaxed)
    }

    func recordReload(succeeded: Bool, at time: Timestamp) {
        reloadSuccessful.store(succeeded ? 1 : 0, ordering: .relaxed)
        if succeeded { reloadSuccessTime.store(time.milliseconds, ordering: .relaxed) }
    }

    func writeHeartbeatCounts(into writer: inout ExpositionWriter) {
        let name = "heartbeat_exporter_heartbeats_received_total"
        writer.family(name, type: .counter, help: "Heartbeats received, by result.")
        for result in HeartbeatResult.allCases {
            writer.sample(name, .empty, extraLabel: "result", extraValue: result.rawValue,
                          value: Double(total(result)))
        }
    }

    func writeConfigReload(into writer: inout ExpositionWriter) {
        writer.family("heartbeat_exporter_config_last_reload_successful", type: .gauge,
                      help: "Whether the last configuration reload succeeded.")
        writer.sample("heartbeat_exporter_config_last_reload_successful", .empty,
                      value: Double(reloadSuccessful.load(ordering: .relaxed)))
        writer.family("heartbeat_exporter_config_last_reload_success_timestamp_seconds", type: .gauge,
                      help: "Unix time of the last successful configuration load.")
        writer.sample("heartbeat_exporter_config_last_reload_success_timestamp_seconds", .empty,
                      time: Timestamp(milliseconds: reloadSuccessTime.load(ordering: .relaxed)))
    }

    func writeStorage(into writer: inout ExpositionWriter) {
        writer.family("heartbeat_exporter_storage_flushes_total", type: .counter,
                      help: "Batches of fleet changes written to SQLite, by result.")
        writer.sample("heartbeat_exporter_storage_flushes_total", .empty, extraLabel: "result", extraValue: "failure",
                      value: Double(flushesFailed.load(ordering: .relaxed)))
        writer.sample("heartbeat_exporter_storage_flushes_total", .empty, extraLabel: "result", extraValue: "success",
                      value: Double(flushesSucceeded.load(ordering: .relaxed)))
        writer.family("heartbeat_exporter_storage_last_flush_duration_seconds", type: .gauge,
                      help: "How long the last write of fleet changes to SQLite took.")
        writer.sample("heartbeat_exporter_storage_last_flush_duration_seconds", .empty,
                      value: Double(bitPattern: lastFlushSeconds.load(ordering: .relaxed)))
    }
}
