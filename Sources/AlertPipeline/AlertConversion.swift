import Alerting
import Model
import PromQL
import Rules

/// Turns an alert the rule engine sends into the alert Alertmanager receives, as Prometheus' notifier does:
/// external labels added where the alert lacks them, and a `generatorURL` that opens the
/// rule's expression.
enum AlertConversion {
    static func alert(_ outgoing: OutgoingAlert, settings: AlertRouter.Settings, receivedAt now: Timestamp)
        -> Alerting.Alert {
        var labels = outgoing.labels
        for (name, value) in settings.externalLabels.sorted(by: { $0.key < $1.key }) where labels[name].isEmpty {
            labels = labels.setting(name, to: value)
        }
        return Alerting.Alert(
            labels: labels, annotations: outgoing.annotations, startsAt: outgoing.startsAt,
            endsAt: outgoing.endsAt,
            generatorURL: generatorURL(expression: outgoing.expression, externalURL: settings.externalURL),
            updatedAt: now)
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
