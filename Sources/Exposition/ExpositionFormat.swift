/// The two text formats Prometheus scrapes.
public enum ExpositionFormat: Sendable {
    /// Prometheus text format 0.0.4, the default.
    case prometheusText
    /// OpenMetrics 1.0.0, served only when the scraper asks for it.
    case openMetrics

    /// The `Content-Type` header value of a response in this format.
    public var contentType: String {
        switch self {
        case .prometheusText: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Picks the format for a request's `Accept` header, the way client_golang's
    /// `expfmt.NegotiateIncludingOpenMetrics` does.
    ///
    /// Media ranges are tried from the highest `q` down (header order breaks ties; `q=0` means
    /// "not acceptable"). The first one that names `text/plain` (no version or `0.0.4`) or
    /// `application/openmetrics-text` (no version, `0.0.1` or `1.0.0`) decides. Wildcards and other
    /// types (protobuf) are passed over; when nothing matches, or there is no header, the answer is
    /// ``prometheusText``.
    ///
    /// - Parameter accept: the raw `Accept` header, or `nil` when the request has none.
    public static func negotiate(accept: String?) -> ExpositionFormat {
        guard let accept else { return .prometheusText }
        var best: (quality: Double, format: ExpositionFormat)?
        for range in accept.split(separator: ",") {
            let mediaRange = MediaRange(range)
            guard mediaRange.quality > 0, let format = mediaRange.exposition else { continue }
            if best == nil || mediaRange.quality > (best?.quality ?? 0) {
                best = (mediaRange.quality, format)
            }
        }
        return best?.format ?? .prometheusText
    }
}

/// One entry of an `Accept` header: `type/subtype;param=value;q=0.5`.
private struct MediaRange {
    var type = ""
    var version: String?
    var quality = 1.0

    init(_ text: Substring) {
        let parts = text.split(separator: ";")
        type = parts.first.map { $0.trimmingSpaces().lowercased() } ?? ""
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let value = pair[1].trimmingSpaces().trimmingQuotes()
            switch pair[0].trimmingSpaces().lowercased() {
            case "q": quality = Double(value).map { min(max($0, 0), 1) } ?? 0
            case "version": version = String(value)
            default: continue
            }
        }
    }

    /// The exposition format this range selects, if any.
    var exposition: ExpositionFormat? {
        switch type {
        case "text/plain" where version == nil || version == "0.0.4":
            .prometheusText
        case "application/openmetrics-text" where version == nil || version == "0.0.1" || version == "1.0.0":
            .openMetrics
        default:
            nil
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }

    fileprivate func trimmingQuotes() -> Substring {
        guard count >= 2, first == "\"", last == "\"" else { return self }
        return dropFirst().dropLast()
    }
}
