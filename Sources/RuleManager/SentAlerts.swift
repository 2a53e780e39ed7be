import Alerting
import Model
import Rules

/// Prometheus' `sendAlerts`: a rule's alert as the notifier receives it. It starts when it started firing and
/// ends when it resolved or, while it fires, when the notification stops being valid (`validUntil`); its
/// `generatorURL` opens the rule's expression.
enum SentAlerts {
    static func alerts(_ alerts: [Rules.Alert], expression: String, externalURL: String, at time: Timestamp)
        -> [Alerting.Alert]
    {
        let url = generatorURL(expression: expression, externalURL: externalURL)
        return alerts.map { alert in
            Alerting.Alert(
                labels: alert.labels, annotations: alert.annotations, startsAt: alert.firedAt ?? alert.activeAt,
                endsAt: alert.resolvedAt ?? alert.validUntil ?? time, generatorURL: url, updatedAt: time)
        }
    }

    /// Prometheus' link to an expression: `<external URL>/graph?g0.expr=<expr>&g0.tab=1`.
    static func generatorURL(expression: String, externalURL: String) -> String {
        externalURL + "/graph?g0.expr=" + queryEscape(expression) + "&g0.tab=1"
    }

    /// Go's `url.QueryEscape`: letters, digits and `-_.~` as they are, space as `+`, every other byte as `%XX`.
    static func queryEscape(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                escaped.append(byte)
            case UInt8(ascii: " "):
                escaped.append(UInt8(ascii: "+"))
            default:
                escaped += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}
