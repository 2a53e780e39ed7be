/// The checks RFC 9112 asks of a request's head before its body is read, so that a request cannot be framed in
/// two ways (request smuggling): the server answers 400 and closes the connection when one fails.
///
/// - `Content-Length` sent more than once, or as a list, must name one length (RFC 9110 §8.6 lets a recipient
///   accept a list of identical values, as here; different ones are an error), and must be a decimal number.
/// - `Content-Length` together with `Transfer-Encoding` is refused (RFC 9112 §6.3 item 3 allows a server to
///   reject it, and it must close the connection after such a request in any case).
/// - `Host` sent more than once, or missing from an HTTP/1.1 request, is refused (RFC 9112 §3.2); HTTP/1.0 did
///   not require it.
/// - The request target must be in origin form (`/path`), absolute form (`http://host/path`) or, for `OPTIONS`,
///   `*` (RFC 9112 §3.2); `foo/api/v1/…` is refused rather than routed with its first segment dropped.
enum MessageFraming {
    /// Why the head of a request cannot be accepted, or nil when it can.
    static func problem(method: String, target: String, version: String, headers: HTTPHeaders) -> String? {
        var lengths: [Substring] = []
        var hosts = 0
        var hasTransferEncoding = false
        for (name, value) in headers {
            if HTTPHeaders.namesMatch(name, "Content-Length") {
                if value.utf8.contains(UInt8(ascii: ",")) {
                    lengths += value.split(separator: ",", omittingEmptySubsequences: false).map(
                        \.trimmingSpacesAndTabs)
                } else {
                    lengths.append(Substring(value).trimmingSpacesAndTabs)  // the usual single value, not split
                }
            } else if HTTPHeaders.namesMatch(name, "Host") {
                hosts += 1
            } else if HTTPHeaders.namesMatch(name, "Transfer-Encoding") {
                hasTransferEncoding = true
            }
        }
        if let problem = contentLengthProblem(lengths) { return problem }
        if hasTransferEncoding, !lengths.isEmpty {
            return "a request may not carry both Content-Length and Transfer-Encoding"
        }
        if hosts > 1 { return "a request may carry only one Host header" }
        if hosts == 0, version != "HTTP/1.0" { return "an \(version) request must carry a Host header" }
        if RequestTarget(target) == nil, !(target == "*" && method == "OPTIONS") {
            return "request target \"\(target.prefix(100))\" must start with \"/\""
        }
        return nil
    }

    private static func contentLengthProblem(_ values: [Substring]) -> String? {
        guard !values.isEmpty else { return nil }
        let lengths = values.map(decimalValue)
        guard let first = lengths[0], lengths.allSatisfy({ $0 != nil }) else {
            return "invalid Content-Length \"\(values.joined(separator: ", ").prefix(100))\""
        }
        guard lengths.allSatisfy({ $0 == first }) else {
            return "conflicting Content-Length values: \(values.joined(separator: ", ").prefix(100))"
        }
        return nil
    }

    /// The value of 1 to 18 decimal digits (leading zeros allowed); nil for anything else.
    private static func decimalValue(_ text: Substring) -> UInt64? {
        guard !text.utf8.isEmpty, text.utf8.count <= 18 else { return nil }
        var value: UInt64 = 0
        for byte in text.utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + UInt64(byte - 0x30)
        }
        return value
    }
}

/// A request target in origin form (`/path?query`) or absolute form (`http://host:port/path?query`), split into
/// the path and, for the absolute form, the authority, which then stands for the `Host` header (RFC 9112 §3.2.2).
struct RequestTarget {
    /// The path (with its query string, as libmicrohttpd passes the target).
    var path: String
    /// `host:port` of an absolute-form target; nil for the origin form.
    var authority: String?

    /// A target that is used as it is.
    init(path: String) {
        self.path = path
        authority = nil
    }

    init?(_ target: String) {
        if target.hasPrefix("/") {
            path = target
            authority = nil
            return
        }
        let lowered = target.prefix(8).lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lowered.hasPrefix($0) }) else { return nil }
        let rest = target.dropFirst(scheme.count)
        let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        guard end > rest.startIndex else { return nil }
        authority = String(rest[..<end])
        let remainder = rest[end...]
        path = remainder.hasPrefix("/") ? String(remainder) : "/" + remainder
    }
}

extension Substring {
    fileprivate var trimmingSpacesAndTabs: Substring {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var bytes = utf8[...]
        while let first = bytes.first, isBlank(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, isBlank(last) { bytes = bytes.dropLast() }
        return Substring(bytes)
    }
}
