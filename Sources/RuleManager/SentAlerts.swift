import Alerting
import Model
import Rules

/// Prometheus' `sendAlerts`: a rule's alert as the notifier receives it. It starts when it started firing and
/// ends when it resolved or, while it fires, when the notification stops being valid (`validUntil`); its
/// `generatorURL` is the page `link` gives for the rule's expression. An alert firing only by `keep_firing_for` is
/// marked ``Alerting/Alert/keptFiring``.
enum SentAlerts {
    static func alerts(_ alerts: [Rules.Alert], expression: String, link: GeneratorLink, at time: Timestamp)
        -> [Alerting.Alert]
    {
        let url = link.url(expression: expression)
        return alerts.map { alert in
            Alerting.Alert(
                labels: alert.labels, annotations: alert.annotations, startsAt: alert.firedAt ?? alert.activeAt,
                endsAt: alert.resolvedAt ?? alert.validUntil ?? time, generatorURL: url, updatedAt: time,
                keptFiring: alert.resolvedAt == nil && alert.keepFiringSince != nil)
        }
    }
}
