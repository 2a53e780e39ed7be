import Alerting

/// An alert as `/api/v2/alerts` lists it.
public typealias ListedAlert = (alert: Alerting.Alert, status: AlertStatus, receivers: [String])

extension AlertRouter {
    /// The alerts `query` selects (`GET /api/v2/alerts`), by fingerprint, with their status and receivers.
    public func alerts(_ query: AlertQuery) -> [ListedAlert] {
        let now = clock.now()
        return state.withLock { state in
            let muting = muting(state, at: now)
            return state.alerts.keys.sorted().compactMap { fingerprint -> ListedAlert? in
                guard let alert = state.alerts[fingerprint] else { return nil }
                let status = muting.status(of: alert)
                let receivers = state.dispatcher.receivers(for: alert.labels)
                guard query.selects(alert, status: status, receivers: receivers, at: now) else { return nil }
                return (alert, status, receivers)
            }
        }
    }

    /// The aggregation groups with the alerts `query` selects (`GET /api/v2/alerts/groups`); groups left
    /// without alerts are not listed.
    public func alertGroups(_ query: AlertQuery) -> [(group: AlertGroup, alerts: [ListedAlert])] {
        let now = clock.now()
        return state.withLock { state in
            let muting = muting(state, at: now)
            let receivers = state.dispatcher.groupReceivers
            return state.dispatcher.alertGroups.compactMap { group -> (group: AlertGroup, alerts: [ListedAlert])? in
                let listed = group.alerts.compactMap { alert -> ListedAlert? in
                    let status = muting.status(of: alert)
                    let names = receivers[alert.fingerprint] ?? []
                    guard query.selects(alert, status: status, receivers: names, at: now) else { return nil }
                    return (alert, status, names)
                }
                return listed.isEmpty ? nil : (group, listed)
            }
        }
    }
}
