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
    public func restoreForState(at timestamp: Int64, queryable: any Queryable, outageTolerance: Int64 = 3_600_000,
                                forGracePeriod: Int64 = 600_000) {
        for rule in alertingRules {
            if rule.holdDuration >= forGracePeriod {
                rule.restoreForState(at: timestamp, queryable: queryable, from: timestamp - outageTolerance,
                                     forGracePeriod: forGracePeriod)
            }
            rule.state.withLock { $0.restored = true }
        }
    }
}

extension AlertingRule {
    func restoreForState(at timestamp: Int64, queryable: any Queryable, from start: Int64, forGracePeriod: Int64) {
        state.withLock { state in
            for (labels, var alert) in state.active {
                guard let saved = lastForStateSample(labels, queryable: queryable, from: start, through: timestamp),
                    !isStaleMarker(saved.value)
                else { continue }
                let downAt = saved.timestamp / 1000 * 1000
                var restoredActiveAt = Int64(saved.value) * 1000
                let remaining = holdDuration - (downAt - restoredActiveAt)
                if remaining <= 0 {
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

    private func lastForStateSample(_ labels: Labels, queryable: any Queryable, from start: Int64, through end: Int64)
        -> (timestamp: Int64, value: Double)?
    {
        let seriesLabels = labels.setting(metricNameLabel, to: "ALERTS_FOR_STATE")
        let matchers = seriesLabels.labels.compactMap { try? LabelMatcher(.equal, $0.name, $0.value) }
        let series = queryable.select(matchers, from: start, through: end).first { $0.labels == seriesLabels }
        guard let series, let time = series.timestamps.last, let value = series.values.last else { return nil }
        return (time, value)
    }
}
