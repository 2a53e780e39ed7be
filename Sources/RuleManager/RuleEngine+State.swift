import Model
import PromQL
import Rules
import Series
import Storage

extension RuleEngine {
    /// What the history must keep for `groups`: the series each selector of their rules matches (their own
    /// outputs and `ALERTS` included when a rule reads them), each as far back as the selector reads plus one
    /// evaluation interval.
    public static func retention(for groups: [RuleGroup]) -> SampleHistory.Retention {
        var byName: [String: [SampleHistory.Retention.Requirement]] = [:]
        var unnamed: [SampleHistory.Retention.Requirement] = []
        for group in groups {
            for requirement in group.seriesRequirements() {
                let kept = SampleHistory.Retention.Requirement(
                    matchers: requirement.matchers, window: requirement.history + group.interval)
                if let name = requirement.matchers.first(where: { $0.name == metricNameLabel && $0.type == .equal })?.value {
                    byName[name, default: []].append(kept)
                } else {
                    unnamed.append(kept)
                }
            }
        }
        return SampleHistory.Retention(byName: byName, unnamed: unnamed)
    }

    /// Restores the alerts saved before a restart into the rules they belong to. They count as never sent:
    /// the alert router's groups did not survive the restart, so the first evaluation hands every firing
    /// and resolved alert to it again (its notification log keeps what was already notified from repeating).
    public func restoreFromStorage(_ groups: [RuleGroup]) {
        let stored: [StoredAlert]
        do {
            stored = try store.loadAlerts()
        } catch {
            logger.error("cannot read saved alerts; their for timers start again", metadata: ["error": "\(error)"])
            return
        }
        for group in groups {
            for rule in group.alertingRules {
                let mine = stored.filter { $0.file == group.file && $0.group == group.name && $0.rule == rule.name }
                if !mine.isEmpty { rule.restore(mine.map(Self.unsentAlert(from:))) }
            }
        }
    }

    /// Keeps the alerts of rules that survive a reload.
    public func carryOver(from previous: [RuleGroup], to groups: [RuleGroup]) {
        for group in groups {
            guard let old = previous.first(where: { $0.file == group.file && $0.name == group.name }) else { continue }
            for rule in group.alertingRules {
                if let oldRule = old.alertingRules.first(where: { $0.name == rule.name }) {
                    rule.restore(oldRule.activeAlerts)
                }
            }
        }
    }

    /// Saves the alerts of `group`; a failure is logged and retried at the next evaluation.
    public func save(_ group: RuleGroup) {
        let alerts = group.alertingRules.flatMap { rule in
            rule.activeAlerts.map { Self.stored($0, file: group.file, group: group.name, rule: rule.name) }
        }
        do {
            try store.saveAlerts(file: group.file, group: group.name, alerts)
        } catch {
            logger.error("saving alerts failed", metadata: ["group": "\(group.name)", "error": "\(error)"])
        }
    }

    public static func stored(_ alert: Alert, file: String, group: String, rule: String) -> StoredAlert {
        StoredAlert(
            file: file, group: group, rule: rule, labels: alert.labels.labels.map { ($0.name, $0.value) },
            annotations: alert.annotations.labels.map { ($0.name, $0.value) }, state: alert.state.rawValue,
            activeAt: alert.activeAt, firedAt: alert.firedAt, resolvedAt: alert.resolvedAt, lastSentAt: alert.lastSentAt,
            validUntil: alert.validUntil, keepFiringSince: alert.keepFiringSince, value: alert.value)
    }

    /// The stored alert, as not yet sent.
    public static func unsentAlert(from stored: StoredAlert) -> Alert {
        Alert(
            labels: Labels(stored.labels.map { Label($0.name, $0.value) }),
            annotations: Labels(stored.annotations.map { Label($0.name, $0.value) }),
            state: AlertState(rawValue: stored.state) ?? .pending, activeAt: stored.activeAt, firedAt: stored.firedAt,
            resolvedAt: stored.resolvedAt, lastSentAt: nil, validUntil: stored.validUntil,
            keepFiringSince: stored.keepFiringSince, value: stored.value)
    }
}
