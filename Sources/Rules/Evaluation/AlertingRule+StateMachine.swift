import Model
import PromQL

extension AlertingRule {
    /// Merges this evaluation's results into the held alerts and advances every alert's state, exactly as
    /// Prometheus' `AlertingRule.Eval`; returns the `ALERTS` and `ALERTS_FOR_STATE` samples.
    func advance(_ active: inout [Labels: Alert], fresh: [Labels: Alert], at time: Timestamp, limit: Int) throws
        -> Vector
    {
        for (labels, alert) in fresh {
            if var existing = active[labels], existing.state != .inactive {
                existing.value = alert.value
                existing.annotations = alert.annotations
                active[labels] = existing
            } else {
                active[labels] = alert
            }
        }
        var samples: Vector = []
        var activeCount = 0
        for labels in active.keys.sorted() {
            guard var alert = active[labels] else { continue }
            if fresh[labels] == nil {
                guard stepMissing(&alert, labels: labels, active: &active, at: time) else { continue }
            } else {
                alert.keepFiringSince = nil
            }
            activeCount += 1
            if alert.state == .pending, time - alert.activeAt >= holdDuration {
                alert.state = .firing
                alert.firedAt = time
            }
            active[labels] = alert
            samples.append(alertsSample(alert, at: time))
            samples.append(forStateSample(alert, at: time))
        }
        if limit > 0, activeCount > limit {
            active = [:]
            throw RuleEvaluationError("exceeded limit of \(limit) with \(activeCount) alerts")
        }
        return samples
    }

    /// Handles an alert the expression no longer returns; returns whether it is still active (kept firing).
    private func stepMissing(_ alert: inout Alert, labels: Labels, active: inout [Labels: Alert], at time: Timestamp)
        -> Bool
    {
        var keepFiring = false
        if alert.state == .firing, keepFiringFor > .zero {
            let since = alert.keepFiringSince ?? time
            alert.keepFiringSince = since
            keepFiring = time - since < keepFiringFor
        }
        let expired = alert.resolvedAt.map { time - $0 > resolvedRetention } ?? false
        if alert.state == .pending || expired {
            active[labels] = nil
        }
        if alert.state != .inactive, !keepFiring {
            alert.state = .inactive
            alert.resolvedAt = time
        }
        if active[labels] != nil { active[labels] = alert }
        return keepFiring
    }

    private func alertsSample(_ alert: Alert, at time: Timestamp) -> Sample {
        let labels = alert.labels.setting(metricNameLabel, to: "ALERTS").setting("alertstate", to: alert.state.rawValue)
        return Sample(labels: labels, value: 1, timestamp: time.milliseconds)
    }

    private func forStateSample(_ alert: Alert, at time: Timestamp) -> Sample {
        let labels = alert.labels.setting(metricNameLabel, to: "ALERTS_FOR_STATE")
        return Sample(
            labels: labels, value: Double(alert.activeAt.wholeSeconds),
            timestamp: time.milliseconds)
    }

    /// The alerts to hand to the notifier after an evaluation at `time`, marked sent (Prometheus'
    /// `sendAlerts`): firing and resolved alerts not sent within `resendDelay`, or resolved since last sent.
    /// Each is valid until four resend delays (or intervals) later, its `validUntil`.
    func alertsToSend(at time: Timestamp, resendDelay: PrometheusDuration, interval: PrometheusDuration) -> [Alert] {
        state.withLock { state in
            var sent: [Alert] = []
            for labels in state.active.keys.sorted() {
                guard var alert = state.active[labels], alert.needsSending(at: time, resendDelay: resendDelay) else {
                    continue
                }
                alert.lastSentAt = time
                alert.validUntil = time + 4 * max(resendDelay, interval)
                state.active[labels] = alert
                sent.append(alert)
            }
            return sent
        }
    }

    /// The alerts firing at `time` that ``alertsToSend(at:resendDelay:interval:)`` did not hand over (their
    /// resend is not due): the exporter's own alert store takes them at every evaluation, so that their
    /// annotations and `updatedAt` follow the rule, while they are not marked sent.
    func firingAlertsNotSent(at time: Timestamp) -> [Alert] {
        state.withLock { state in
            state.active.keys.sorted().compactMap { labels -> Alert? in
                guard let alert = state.active[labels], alert.state == .firing, alert.lastSentAt != time else {
                    return nil
                }
                return alert
            }
        }
    }
}
