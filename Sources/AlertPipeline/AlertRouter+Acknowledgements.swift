import Alerting
import Foundation
import Model

/// Acknowledging firing alerts: no more repeats until they resolve (``Acknowledgement``).
extension AlertRouter {
    /// Acknowledges every alert matching `matchers` that fires now, committed to storage before it returns.
    /// - Throws: ``AcknowledgementError/nothingFiring(_:)`` when none fires, ``StorageError`` (as
    ///   ``AcknowledgementWriteError/storage(_:)``) when it could not be saved.
    public func acknowledge(
        matchers: [LabelMatcher], createdBy: String, comment: String, endsAt: Timestamp?
    ) throws(AcknowledgementWriteError) -> Acknowledgement {
        let now = clock.now()
        if let endsAt, endsAt <= now {
            throw .refused(.badRequest("endsAt in body must be in the future"))
        }
        let result = state.withLock { state -> Result<Acknowledgement, AcknowledgementWriteError> in
            let firing = state.alerts.values.filter { alert in
                !alert.isResolved(at: now) && matchers.allSatisfy { $0.matches(alert.labels) }
            }
            guard !firing.isEmpty else {
                let text = "{" + matchers.map(\.alertmanagerText).joined(separator: ", ") + "}"
                return .failure(.refused(.nothingFiring(text)))
            }
            let acknowledgement = Acknowledgement(
                id: UUID().uuidString.lowercased(), matchers: matchers, createdBy: createdBy, comment: comment,
                createdAt: now, endsAt: endsAt,
                alerts: Dictionary(
                    firing.map { ($0.fingerprint, $0.startsAt) }, uniquingKeysWith: { first, _ in first }))
            do throws(StorageError) {
                try acknowledgementStore.saveAcknowledgements([acknowledgement], deleting: [])
            } catch {
                return .failure(.storage(error))
            }
            state.acknowledgements.add(acknowledgement)
            announce(.acknowledged(acknowledgement), &state, at: now)
            return .success(acknowledgement)
        }
        saveAnnouncedNotices()
        return try result.get()
    }

    /// Removes the acknowledgement `id` (committed before it returns): its alerts are repeated again.
    /// - Throws: ``AcknowledgementError/notFound(_:)``, or a storage error.
    @discardableResult
    public func removeAcknowledgement(id: String) throws(AcknowledgementWriteError) -> Acknowledgement {
        let result = state.withLock { state -> Result<Acknowledgement, AcknowledgementWriteError> in
            guard let found = state.acknowledgements.entries[id] else { return .failure(.refused(.notFound(id))) }
            do throws(StorageError) {
                try acknowledgementStore.saveAcknowledgements([], deleting: [id])
            } catch {
                return .failure(.storage(error))
            }
            _ = state.acknowledgements.remove(id: id)
            return .success(found)
        }
        return try result.get()
    }

    /// The acknowledgements in force, oldest first.
    public var acknowledgements: [Acknowledgement] {
        state.withLock { $0.acknowledgements.all }
    }

    /// Ends what resolved alerts no longer need (each tick), and writes the change.
    func refreshAcknowledgements(_ state: inout State, at now: Timestamp) {
        guard !state.acknowledgements.entries.isEmpty else { return }
        let (changed, ended) = state.acknowledgements.refresh(
            alerts: state.alerts, at: now, keepingAbsent: now < startedAt + Self.acknowledgementStartGrace)
        guard !changed.isEmpty || !ended.isEmpty else { return }
        do throws(StorageError) {
            try acknowledgementStore.saveAcknowledgements(changed, deleting: ended)
        } catch {
            logger.error("saving acknowledgements failed", metadata: ["error": "\(error)"])
        }
    }
}

/// Why an acknowledgement write was not done.
public enum AcknowledgementWriteError: Error, CustomStringConvertible {
    /// Refused: bad input, nothing to acknowledge, or no such acknowledgement.
    case refused(AcknowledgementError)
    /// It could not be saved; nothing changed.
    case storage(StorageError)

    public var description: String {
        switch self {
        case .refused(let error): error.description
        case .storage(let error): error.description
        }
    }
}
