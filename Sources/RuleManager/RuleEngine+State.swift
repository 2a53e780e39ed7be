import Model
import PromQL
import Rules
import Series

extension RuleEngine {
    /// What the history must keep for `groups`: the series each selector of their rules matches (their own
    /// outputs and `ALERTS` included when a rule reads them), each as far back as the selector reads plus one
    /// evaluation interval.
    static func retention(for groups: [RuleGroup], defaultSubqueryStep: PrometheusDuration = .minutes(1))
        -> SampleHistory.Retention
    {
        var byName: [String: [SampleHistory.Retention.Requirement]] = [:]
        var unnamed: [SampleHistory.Retention.Requirement] = []
        for group in groups {
            for requirement in group.seriesRequirements(defaultSubqueryStep: defaultSubqueryStep) {
                let kept = SampleHistory.Retention.Requirement(
                    matchers: requirement.matchers, window: requirement.history + group.interval)
                if let name = requirement.matchers.first(where: { $0.name == metricNameLabel && $0.type == .equal })?
                    .value
                {
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
    func restoreFromStorage(_ groups: [RuleGroup]) {
        let saved: [SavedAlert]
        do {
            saved = try store.loadAlerts()
        } catch {
            logger.error("cannot read saved alerts; their for timers start again", metadata: ["error": "\(error)"])
            return
        }
        for group in groups {
            for rule in group.alertingRules {
                let mine = saved.filter { $0.file == group.file && $0.group == group.name && $0.rule == rule.name }
                if !mine.isEmpty { rule.restore(mine.map(\.alert.asUnsent)) }
            }
        }
    }

    /// Keeps the alerts of rules that survive a reload.
    func carryOver(from previous: [RuleGroup], to groups: [RuleGroup]) {
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
    func save(_ group: RuleGroup) {
        let alerts = group.alertingRules.flatMap { rule in
            rule.activeAlerts.map { SavedAlert(file: group.file, group: group.name, rule: rule.name, alert: $0) }
        }
        do {
            try store.saveAlerts(file: group.file, group: group.name, alerts)
        } catch {
            logger.error("saving alerts failed", metadata: ["group": "\(group.name)", "error": "\(error)"])
        }
    }
}

extension Alert {
    /// The alert as never sent: a restored alert is handed to the alert pipeline again at the first evaluation.
    var asUnsent: Alert {
        var copy = self
        copy.lastSentAt = nil
        return copy
    }
}
