import Alerting
import Model

/// Holding an agent's alerts while a recovery ladder (the `Recovery` module) restarts or replaces it.
///
/// The ladder calls ``hold(agent:)`` when a run starts, then either ``dropHold(agent:)`` when the agent beat again
/// (the held alerts resolve without ever being sent) or ``release(agent:annotation:)`` when it gives up (the held
/// firing alerts go to their receivers at once, with an annotation `recovery` saying what was tried). Holds are per
/// agent and idempotent; they touch neither silences nor the muting of killed agents. They are kept in memory only:
/// after a restart of the exporter the ladder's storage holds again the agents whose runs go on, before the first
/// ``tick()`` (the notification log, which is persisted, keeps what was sent).
extension AlertRouter {
    /// Holds every alert whose `agent` label is `agent`: suppressed, listed in `/api/v2/alerts` with `silencedBy:
    /// ["recovery:<agent>"]`, neither notified nor forwarded to Alertmanagers. Holding a held agent changes nothing.
    public func hold(agent: String) {
        let now = clock.now()
        state.withLock { state in
            guard !state.holds.isHeld(agent) else { return }
            let alerts = state.alerts.values.filter { $0.labels["agent"] == agent }
            let own = Set(alerts.map(\.fingerprint))
            var announced = state.dispatcher.notificationLog.allEntries.reduce(into: Set<Fingerprint>()) {
                $0.formUnion($1.firingAlerts.intersection(own))
            }
            // Firing alerts routed to an Alertmanager were forwarded as they arrived: it expects their resolution.
            if let config = state.settings.config {
                let muting = muting(state, at: now)
                let forwarded = AlertmanagerForwarder.batches(
                    alerts.filter { !$0.isResolved(at: now) }, route: state.dispatcher.route,
                    receivers: config.receivers, isMuted: { muting.status(of: $0).isMuted })
                for batch in forwarded { announced.formUnion(batch.alerts.map(\.fingerprint)) }
            }
            state.holds.hold(agent, announced: announced)
        }
    }

    /// Ends the hold because the agent recovered: a held alert never notified as firing is never sent, neither
    /// firing nor resolved, once it resolves; one the rule engine still sends as firing after this call is sent at
    /// its group's next flush as usual. Called too when an agent whose ladder gave up beats again: its later alerts
    /// no longer carry the ladder's `recovery` annotation. Dropping a hold that is not there changes nothing else.
    public func dropHold(agent: String) {
        let now = clock.now()
        state.withLock { state in
            let own = state.alerts.values.filter { $0.labels["agent"] == agent }
            _ = state.holds.end(agent, alerts: own, recoveredAt: now)
            state.holds.forgetRelease(of: agent)
        }
    }

    /// Ends the hold because the ladder gave up: each firing alert of `agent` gains the annotation `recovery` with
    /// `annotation` (what was tried, e.g. `restart: exit 1 after 0.4 s; replace: 503 twice`), kept on the rule
    /// engine's later resends of the same alert, and goes to its receivers at once: its groups flush now (still
    /// under Alertmanager's dedup, so an alert already notified before the hold is not repeated) and it is
    /// forwarded to `alertmanager_configs`. A held alert that resolved meanwhile is never sent. An alert about the
    /// agent that starts firing later, until the agent is held or beats again (``dropHold(agent:)``), carries the
    /// same annotation and goes out at once too (a rule whose `for` had not elapsed, a run refused before any rule
    /// fired). Releasing an agent that is not held changes nothing.
    public func release(agent: String, annotation: String) {
        let now = clock.now()
        let released = state.withLock {
            state -> (forwarding: [Delivery], notifications: [AlertNotification], externalURL: String)? in
            let own = state.alerts.values.filter { $0.labels["agent"] == agent }
            guard state.holds.end(agent, alerts: own) else { return nil }
            state.holds.released(agent, at: now, text: annotation)
            var released: [Alerting.Alert] = []
            for alert in own where !alert.isResolved(at: now) {
                state.holds.note(alert, text: annotation)
                var annotated = state.holds.annotated(alert)
                annotated.updatedAt = now
                state.alerts[alert.fingerprint] = annotated
                released.append(annotated)
            }
            state.dispatcher.insert(released, at: now)
            state.dispatcher.expedite(groupsHolding: Set(released.map(\.fingerprint)), at: now)
            // Flushed here rather than by the notification thread's next tick: "at once". The notification log
            // entries this makes are written by that tick, as all of them are.
            let forwarding = forwardingDeliveries(released, state: &state, at: now)
            return (forwarding, takeDueNotifications(&state, at: now), state.settings.externalURL)
        }
        guard let released else { return }
        enqueue(released.forwarding)
        hand(released.notifications, externalURL: released.externalURL)
    }

    /// After a restart of the exporter, for an agent whose ladder had given up and that has not beaten since: its
    /// alerts carry the `recovery` annotation again (the rule engine's restored alerts arrive with the first
    /// evaluation), until the agent is held or beats again. The notification log decides, as always, whether
    /// anything is sent.
    public func noteReleased(agent: String, annotation: String) {
        state.withLock { $0.holds.released(agent, at: .epoch, text: annotation) }
    }

    /// The agents whose alerts are held now, sorted.
    public var heldAgents: [String] {
        state.withLock { $0.holds.held.keys.sorted() }
    }
}
