import Alerting
import Foundation
import Model

/// Why a silence write was not done.
public enum SilenceWriteError: Error, CustomStringConvertible {
    /// The request was refused or the silence does not exist (Alertmanager's 400 and 404).
    case refused(SilenceError)
    /// The silence could not be saved; nothing changed.
    case storage(StorageError)

    public var description: String {
        switch self {
        case .refused(let error): error.description
        case .storage(let error): error.description
        }
    }
}

extension AlertRouter {
    /// Creates or updates a silence (`POST /api/v2/silences`), committed to SQLite before it returns.
    /// - Returns: the silence as stored, with its ID.
    public func postSilence(_ silence: Silence) throws(SilenceWriteError) -> Silence {
        try writeSilences { silences, now throws(SilenceError) in try silences.post(silence, at: now) }
    }

    /// Expires a silence now (`DELETE /api/v2/silence/{id}`), committed to SQLite before it returns.
    @discardableResult
    public func expireSilence(id: String) throws(SilenceWriteError) -> Silence {
        try writeSilences { silences, now throws(SilenceError) in try silences.expire(id: id, at: now) }
    }

    /// Applies `change` to a copy of the silences, saves what it changed and only then puts the copy in
    /// force, all under the lock, so that the order of commits is the order of the writes.
    private func writeSilences(
        _ change: (inout SilenceStore, Timestamp) throws(SilenceError) -> Silence
    ) throws(SilenceWriteError) -> Silence {
        let now = clock.now()
        let result = state.withLock { state -> Result<Silence, SilenceWriteError> in
            var silences = state.silences
            let written: Silence
            do throws(SilenceError) {
                written = try change(&silences, now)
            } catch {
                return .failure(.refused(error))
            }
            let changed = silences.silences.values.filter { state.silences.silence(id: $0.id) != $0 }
            do throws(StorageError) {
                try store.saveSilences(changed)
            } catch {
                return .failure(.storage(error))
            }
            let created = state.silences.silence(id: written.id) == nil
            state.silences = silences
            if created { announce(.silence(written, created: true), &state, at: now) }
            return .success(written)
        }
        saveAnnouncedNotices()
        return try result.get()
    }

    /// The silence with `id`.
    public func silence(id: String) -> Silence? {
        state.withLock { $0.silences.silence(id: id) }
    }

    /// The silences, in Alertmanager's order, optionally only those having all of `filter`'s matchers.
    public func silences(matching filter: [LabelMatcher] = []) -> (silences: [Silence], at: Timestamp) {
        let now = clock.now()
        return (state.withLock { $0.silences.list(at: now, matching: filter) }, now)
    }
}
