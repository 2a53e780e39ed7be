/// Where the `generatorURL` of the alerts the rule manager sends points: the page a notification links to.
public enum GeneratorLink: Sendable, Equatable {
    /// A Prometheus that has the same rules: `<base>/graph?g0.expr=<expression>&g0.tab=1`, the link Prometheus
    /// puts on its own alerts. `base` has no trailing slash.
    case prometheusGraph(base: String)
    /// One page for every alert, such as the exporter's own `/api/v1/rules`.
    case page(String)

    /// The link for an alert of the rule with `expression` (as Prometheus prints it).
    public func url(expression: String) -> String {
        switch self {
        case .prometheusGraph(let base): base + "/graph?g0.expr=" + Self.queryEscape(expression) + "&g0.tab=1"
        case .page(let url): url
        }
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
