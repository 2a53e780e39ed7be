import Model
import Synchronization

/// The refusals of one agent (or of senders whose agent could not be read) for one reason.
public struct Rejection: Sendable, Equatable {
    /// The agent the refused body named; nil when it could not be read (a body that is not JSON, an `agent`
    /// missing or invalid, a refused token).
    public var agent: String?
    /// Why the heartbeats were refused.
    public var reason: RejectionReason
    /// The HTTP status of the last refusal.
    public var status: Int
    /// What the last refusal told the sender, cut to ``HeartbeatRejections/maxErrorBytes``.
    public var lastError: String
    /// How many heartbeats were refused since the entry was created.
    public var count: UInt64
    /// The first refusal.
    public var firstAt: Timestamp
    /// The last refusal.
    public var lastAt: Timestamp
}

/// The recent refusals of heartbeats, so that an agent whose every beat is refused (nine labels, a label named
/// `team-name`, a wrong token) shows up somewhere: one entry per agent and reason, with a count, the last error
/// and the last time; and totals per reason since start, for `heartbeat_exporter_heartbeats_rejected_total`.
///
/// Bounded: at most ``capacity`` entries. An entry whose last refusal is older than ``retention`` is no longer
/// listed and is the first to go; when the store is full of recent entries, a new agent or reason evicts the
/// entry refused longest ago (counted in ``evicted``). The totals per reason are never lost. Kept in memory only.
public final class HeartbeatRejections: Sendable {
    /// How many entries are kept by default.
    public static let defaultCapacity = 100
    /// How long an entry is listed after its last refusal.
    public static let retention = PrometheusDuration.hours(1)
    /// The longest error text kept per entry.
    public static let maxErrorBytes = 256

    struct Key: Hashable {
        var agent: String?
        var reason: RejectionReason
    }

    struct State {
        var entries: [Key: Rejection] = [:]
        var totals: [RejectionReason: UInt64] = [:]
        var evicted: UInt64 = 0
    }

    /// The most entries kept.
    public let capacity: Int
    /// Protects the entries, the totals per reason and the eviction count.
    private let state = Mutex(State())

    /// Creates an empty store keeping at most `capacity` entries (at least one).
    public init(capacity: Int = defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Records one refused heartbeat.
    /// - Parameters:
    ///   - agent: the agent the body named, nil when it could not be read.
    ///   - status: the HTTP status the sender got.
    ///   - message: what the sender was told.
    public func record(
        agent: String?, reason: RejectionReason, status: Int, message: String, at now: Timestamp
    ) {
        let key = Key(agent: agent, reason: reason)
        let error = Self.truncated(message)
        state.withLock { state in
            state.totals[reason, default: 0] += 1
            if var entry = state.entries[key] {
                entry.count += 1
                entry.lastAt = max(entry.lastAt, now)
                entry.status = status
                entry.lastError = error
                state.entries[key] = entry
                return
            }
            if state.entries.count >= capacity { makeRoom(&state, at: now) }
            state.entries[key] = Rejection(
                agent: agent, reason: reason, status: status, lastError: error, count: 1, firstAt: now, lastAt: now)
        }
    }

    /// Drops the entries past retention, or else the one refused longest ago.
    private func makeRoom(_ state: inout State, at now: Timestamp) {
        let before = state.entries.count
        state.entries = state.entries.filter { now - $0.value.lastAt <= Self.retention }
        guard state.entries.count == before, let oldest = state.entries.min(by: { $0.value.lastAt < $1.value.lastAt })
        else { return }
        state.entries[oldest.key] = nil
        state.evicted += 1
    }

    /// The entries refused within ``retention`` of `now`, the latest refusal first (then by agent and reason).
    public func recent(at now: Timestamp) -> [Rejection] {
        let entries = state.withLock { Array($0.entries.values) }
        return entries.filter { now - $0.lastAt <= Self.retention }.sorted { lhs, rhs in
            if lhs.lastAt != rhs.lastAt { return lhs.lastAt > rhs.lastAt }
            if lhs.agent != rhs.agent { return (lhs.agent ?? "") < (rhs.agent ?? "") }
            return lhs.reason.rawValue < rhs.reason.rawValue
        }
    }

    /// Heartbeats refused since start, per reason (every reason present).
    public var totals: [RejectionReason: UInt64] {
        let totals = state.withLock { $0.totals }
        return Dictionary(uniqueKeysWithValues: RejectionReason.allCases.map { ($0, totals[$0] ?? 0) })
    }

    /// Entries evicted to make room for newer ones since start.
    public var evicted: UInt64 { state.withLock { $0.evicted } }

    /// `text` cut to at most ``maxErrorBytes`` bytes, on a character boundary, with `…` when cut.
    static func truncated(_ text: String) -> String {
        guard text.utf8.count > maxErrorBytes else { return text }
        var cut = "", bytes = 0
        for character in text {
            bytes += character.utf8.count
            guard bytes <= maxErrorBytes - "…".utf8.count else { break }
            cut.append(character)
        }
        return cut + "…"
    }
}
