import Exposition
import Synchronization

/// `heartbeat_exporter_heartbeats_received_total{result}`: what became of the heartbeats received.
final class HeartbeatCounters: MetricsSource {
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

    func write(into writer: inout ExpositionWriter) {
        let name = "heartbeat_exporter_heartbeats_received_total"
        writer.family(name, type: .counter, help: "Heartbeats received, by result.")
        for result in HeartbeatResult.allCases {
            writer.sample(
                name, .empty, extraLabel: "result", extraValue: result.rawValue,
                value: Double(total(result)))
        }
    }
}
