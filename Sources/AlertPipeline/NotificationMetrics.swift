import Exposition
import Synchronization

/// Counts delivery attempts for `heartbeat_exporter_notifications_total{receiver,result}` and the alerts
/// suppressed at flush time.
public final class NotificationMetrics: MetricsSource {
    private struct Key: Hashable, Comparable {
        var receiver: String
        var result: String

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.receiver, lhs.result) < (rhs.receiver, rhs.result) }
    }

    /// The results every receiver reports, so that a rate over a receiver's failures exists before the first one.
    static let results = ["success", "retryable_error", "permanent_error"]

    /// Protects the attempt counts by receiver and result.
    private let attempts = Mutex<[Key: UInt64]>([:])

    /// Counts one attempt of delivering to `receiver` that ended in `result`.
    func countAttempt(receiver: String, result: String) {
        attempts.withLock { $0[Key(receiver: receiver, result: result), default: 0] += 1 }
    }

    /// Makes the receivers' series exist (at zero) from the start.
    func register(receivers: [String]) {
        attempts.withLock { counts in
            for receiver in receivers {
                for result in Self.results { counts[Key(receiver: receiver, result: result), default: 0] += 0 }
            }
        }
    }

    public func write(into writer: inout ExpositionWriter) {
        let counts = attempts.withLock { $0 }
        let name = "heartbeat_exporter_notifications_total"
        writer.family(
            name, type: .counter,
            help: "Notification delivery attempts (webhooks and Alertmanager forwarding), by receiver and result.")
        for key in counts.keys.sorted() {
            writer.sample(
                name, RenderedLabels([("receiver", key.receiver), ("result", key.result)]),
                value: Double(counts[key] ?? 0))
        }
    }
}
