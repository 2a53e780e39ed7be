import Alerting
import Model

extension AlertRouter {
    /// Reads the silences and acknowledgements again: another node sharing the database changed them (issue 20).
    /// - Throws: ``StorageError`` when they cannot be read; those held stay in force.
    public func reloadOperatorState() throws(StorageError) {
        let silences = try store.loadSilences()
        let acknowledgements = try store.loadAcknowledgements()
        state.withLock { state in
            state.silences = SilenceStore(silences: silences, limits: state.silences.limits)
            state.acknowledgements = AcknowledgementBook(acknowledgements)
        }
    }

    /// Takes over notifying from another node sharing the database (issue 20), as a restart would: the notification
    /// log it wrote (so what it notified is not notified again, and a resolution it did not send is), the silences,
    /// acknowledgements and notices; the alerts and aggregation groups start afresh from the rule engine's next
    /// evaluation.
    /// - Throws: ``StorageError`` when they cannot be read.
    public func takeOver() throws(StorageError) {
        try reloadOperatorState()
        let log = NotificationLog(entries: try store.loadNotificationLog())
        let notices = try store.loadNotices()
        let now = clock.now()
        state.withLock { state in
            state.dispatcher = Self.dispatcher(state.settings, log: log)
            state.alerts.removeAll()
            state.inFlight.removeAll()
            state.unsavedLog.removeAll()
            state.openNotices.removeAll()
            state.noticeWrites = NoticeWrites()
            // The notices any node announced and the leader before did not see to their end go on from here.
            Self.restore(notices, into: &state, at: now)
        }
    }
}
