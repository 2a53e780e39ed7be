import Foundation
import Model

/// The silences, with Alertmanager's rules for creating, updating and expiring them. A value type: the
/// server keeps it behind a `Mutex` and persists the silences each write returns.
public struct SilenceStore: Sendable {
    /// The silences by ID.
    public private(set) var silences: [String: Silence] = [:]
    /// How long expired silences are kept (Alertmanager's `--data.retention`, 120h).
    public var retention: PrometheusDuration
    /// How many silences may be kept and how large each may be.
    public var limits: SilenceLimits

    /// Creates a store holding `silences` (as restored from disk, even beyond `limits`).
    public init(
        silences: [Silence] = [], retention: PrometheusDuration = .hours(120), limits: SilenceLimits = .unlimited
    ) {
        self.retention = retention
        self.limits = limits
        for silence in silences { self.silences[silence.id] = silence }
    }

    /// Creates or updates a silence as `POST /api/v2/silences` does, and returns the stored silence.
    ///
    /// A new silence (empty `id`) gets a fresh UUID from `newID` and starts no earlier than `now`. An
    /// existing one is changed in place when that keeps history intact (same matchers; an active silence
    /// keeps its start and does not end in the past; a pending one does not start in the past); otherwise
    /// the old one is expired and a new one with a new ID replaces it.
    /// - Throws: ``SilenceError`` with Alertmanager's messages.
    public mutating func post(
        _ silence: Silence, at now: Timestamp,
        newID: () -> String = { UUID().uuidString.lowercased() }
    ) throws(SilenceError) -> Silence {
        guard silence.startsAt < silence.endsAt else {
            throw .badRequest("Failed to create silence: start time must be before end time")
        }
        guard silence.endsAt >= now else {
            throw .badRequest("Failed to create silence: end time can't be in the past")
        }
        return try set(silence, at: now, newID: newID)
    }

    /// Alertmanager's `Silences.Set` without the API's extra checks (see ``post(_:at:newID:)``), with its limits:
    /// an update must stay within the size limit, and a new silence (or one replacing another) must also fit in
    /// the count limit.
    public mutating func set(
        _ silence: Silence, at now: Timestamp,
        newID: () -> String = { UUID().uuidString.lowercased() }
    ) throws(SilenceError) -> Silence {
        var silence = silence
        silence.updatedAt = now
        var replaced: Silence?
        if !silence.id.isEmpty {
            guard let previous = silences[silence.id] else { throw .notFound }
            if Self.canUpdate(previous, to: silence, at: now) {
                try limits.checkSize(silence)
                return try store(silence, at: now)
            }
            replaced = previous
        }
        try limits.checkCount(silences.count)
        silence.id = newID()
        silence.startsAt = max(silence.startsAt, now)
        try limits.checkSize(silence)
        if let replaced, replaced.state(at: now) != .expired { try expire(id: replaced.id, at: now) }
        return try store(silence, at: now)
    }

    private mutating func store(_ silence: Silence, at now: Timestamp) throws(SilenceError) -> Silence {
        var silence = silence
        silence.updatedAt = now
        try silence.validate()
        silences[silence.id] = silence
        return silence
    }

    private static func canUpdate(_ old: Silence, to new: Silence, at now: Timestamp) -> Bool {
        guard old.matchers == new.matchers else { return false }
        switch old.state(at: now) {
        case .active: return new.startsAt.wholeSeconds == old.startsAt.wholeSeconds && new.endsAt >= now
        case .pending: return new.startsAt >= now
        case .expired: return false
        }
    }

    /// Expires the silence now (`DELETE /api/v2/silence/{id}`): an active one ends now, a pending one
    /// starts and ends now, an expired one is left as it is. Returns the silence as stored.
    /// - Throws: ``SilenceError/notFound``.
    @discardableResult
    public mutating func expire(id: String, at now: Timestamp) throws(SilenceError) -> Silence {
        guard var silence = silences[id] else { throw .notFound }
        switch silence.state(at: now) {
        case .expired: return silence
        case .active: silence.endsAt = now
        case .pending:
            silence.startsAt = now
            silence.endsAt = now
        }
        return try store(silence, at: now)
    }

    /// The silence with `id`.
    public func silence(id: String) -> Silence? { silences[id] }

    /// All silences, optionally only those matching `labels` — ordered as Alertmanager's API lists them:
    /// active first (by `endsAt`), then pending (by `startsAt`), then expired (latest `endsAt` first).
    public func list(at now: Timestamp, matching filter: [LabelMatcher] = []) -> [Silence] {
        let selected = silences.values.filter { silence in filter.allSatisfy { silence.hasMatcher(equalTo: $0) } }
        return selected.sorted { lhs, rhs in Self.listOrder(lhs, rhs, at: now) }
    }

    private static func listOrder(_ lhs: Silence, _ rhs: Silence, at now: Timestamp) -> Bool {
        let rank: [SilenceState: Int] = [.active: 0, .pending: 1, .expired: 2]
        let left = lhs.state(at: now), right = rhs.state(at: now)
        if left != right { return (rank[left] ?? 0) < (rank[right] ?? 0) }
        switch left {
        case .active: return lhs.endsAt != rhs.endsAt ? lhs.endsAt < rhs.endsAt : lhs.id < rhs.id
        case .pending: return lhs.startsAt != rhs.startsAt ? lhs.startsAt < rhs.startsAt : lhs.id < rhs.id
        case .expired: return lhs.endsAt != rhs.endsAt ? lhs.endsAt > rhs.endsAt : lhs.id < rhs.id
        }
    }

    /// The IDs of the active silences that mute `labels` at `now`, sorted.
    public func silencedBy(_ labels: Labels, at now: Timestamp) -> [String] {
        silences.values.filter { $0.mutes(labels, at: now) }.map(\.id).sorted()
    }

    /// Drops silences that expired more than ``retention`` ago; returns their IDs.
    public mutating func collectGarbage(at now: Timestamp) -> [String] {
        let old = silences.values.filter { $0.endsAt + retention < now }.map(\.id)
        for id in old { silences[id] = nil }
        return old
    }
}

extension Silence {
    /// Alertmanager's API `filter` for silences: the silence has a matcher equal to `matcher`.
    func hasMatcher(equalTo matcher: LabelMatcher) -> Bool {
        matchers.contains(matcher)
    }
}
