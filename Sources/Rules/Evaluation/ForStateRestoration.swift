import Model
import PromQL

extension RuleGroup {
    /// Marks the group's alerting rules as waiting for ``restoreForState(at:queryable:outageTolerance:forGracePeriod:)``:
    /// until then they write no `ALERTS`/`ALERTS_FOR_STATE` samples, so the first evaluation after a restart
    /// does not overwrite the saved `for` state. Call it before that first evaluation.
    public func markForRestoration() {
        for rule in alertingRules { rule.state.withLock { $0.restored = false } }
    }

    /// Restores the `for` state of the group's pending alerts from `ALERTS_FOR_STATE`, exactly as
    /// Prometheus' `RestoreForState` does after a restart. Call it once, right after the group's first
    /// evaluation after a restart (and after ``markForRestoration()``), with a `queryable` that holds the `ALERTS_FOR_STATE` samples written
    /// before the restart.
    ///
    /// For each alert active now whose `ALERTS_FOR_STATE` series has a sample within `outageTolerance`
    /// before `timestamp` (and not a stale marker), `activeAt` becomes the saved one, shifted by the
    /// downtime (or so that at least `forGracePeriod` remains); alerts that were already firing fire again
    /// at the next evaluation. Rules whose `for` is shorter than `forGracePeriod` are left alone.
    /// - Parameters:
    ///   - outageTolerance: Prometheus' `--rules.alert.for-outage-tolerance` (1h).
    ///   - forGracePeriod: Prometheus' `--rules.alert.for-grace-period` (10m).
    public func restoreForState(
        at timestamp: Timestamp, queryable: any Queryable,
        outageTolerance: PrometheusDuration = .hours(1),
        forGracePeriod: PrometheusDuration = .minutes(10)
    ) {
        for rule in alertingRules {
            if rule.holdDuration >= forGracePeriod {
                rule.restoreForState(
                    at: timestamp, queryable: queryable, from: timestamp - outageTolerance,
                    forGracePeriod: forGracePeriod)
            }
            rule.state.withLock { $0.restored = true }
        }
    }
}

extension AlertingRule {
    func restoreForState(
        at timestamp: Timestamp, queryable: any Queryable, from start: Timestamp,
        forGracePeriod: PrometheusDuration
    ) {
        state.withLock { state in
            for (labels, var alert) in state.active {
                guard let saved = lastForStateSample(labels, queryable: queryable, from: start, through: timestamp),
                    !isStaleMarker(saved.value),
                    var restoredActiveAt = Timestamp(seconds: saved.value.rounded(.towardZero))
                else { continue }
                let downAt = Timestamp(milliseconds: saved.timestamp).truncated(to: .seconds(1))
                let remaining = holdDuration - (downAt - restoredActiveAt)
                if remaining <= .zero {
                    // It was firing when the process went down; the next evaluation fires it again.
                } else if remaining < forGracePeriod {
                    restoredActiveAt = timestamp + forGracePeriod - holdDuration
                } else {
                    restoredActiveAt += timestamp - downAt
                }
                alert.activeAt = restoredActiveAt
                state.active[labels] = alert
            }
        }
    }

    private func lastForStateSample(
        _ labels: Labels, queryable: any Queryable, from start: Timestamp,
        through end: Timestamp
    ) -> (timestamp: Int64, value: Double)? {
        let seriesLabels = labels.setting(metricNameLabel, to: "ALERTS_FOR_STATE")
        let matchers = seriesLabels.labels.compactMap { try? LabelMatcher(.equal, $0.name, $0.value) }
        let series = queryable.select(matchers, from: start.milliseconds, through: end.milliseconds)
            .first { $0.labels == seriesLabels }
        guard let series, let time = series.timestamps.last, let value = series.values.last else { return nil }
        return (time, value)
    }
}
