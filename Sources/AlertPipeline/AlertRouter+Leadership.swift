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

    /// Shows, on a node that does not lead, the alerts the leader's rules fire (`firing`, as the leader last saved
    /// them), so that its Alertmanager API lists them with their silences, kills and muting as the leader's does
    /// (issue 20). They replace those shown before; nothing is notified or forwarded from here.
    public func follow(_ firing: [Alerting.Alert]) {
        let now = clock.now()
        state.withLock { state in
            let external = state.settings.externalLabels.sorted { $0.key < $1.key }
            let notices = state.noticeWrites.kept
            var shown = state.alerts.filter { notices.contains($0.key) }
            for alert in firing {
                let received = Self.received(alert, externalLabels: external, at: now)
                shown[received.fingerprint] = received
            }
            state.alerts = shown
        }
    }
}
