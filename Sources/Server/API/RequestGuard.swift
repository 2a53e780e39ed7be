import Foundation
import HTTP

/// What every request passes before it is routed, whatever its endpoint or token:
///
/// 1. its `Host` must be a name of this exporter (``AllowedHosts``): 403 otherwise, against DNS rebinding;
/// 2. a write (`POST`, `PUT`, `DELETE`, `PATCH`) from a web page must come from the exporter's own origin: a
///    foreign `Origin` (including `null`) gets 403, against cross-site request forgery, with or without tokens;
/// 3. a write with a body must declare it `Content-Type: application/json` (parameters such as `charset` may
///    follow): 415 otherwise, since browsers send `text/plain` and form bodies cross-site without asking first.
///    The query API's `POST`s (``readOnlyPosts``), which change nothing, also take form-encoded bodies, as
///    Prometheus' do (promtool and Grafana send them).
///
/// A request without `Host` is an HTTP/1.0 one (the HTTP module answers 400 to HTTP/1.1 without it, as RFC 9112
/// §3.2 says); browsers always send `Host`, so it cannot come from a rebound page and is let through.
struct RequestGuard: HTTPHandler {
    let hosts: AllowedHosts
    let next: any HTTPHandler

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        refusal(request) ?? next.handle(request)
    }

    func refusal(_ request: HTTPRequest) -> HTTPResponse? {
        if let host = request.headers["Host"], !hosts.allows(host) {
            return APIResponse.error(
                403,
                "Host \"\(host.prefix(200))\" is not a name of this exporter; add it to --web.allowed-hosts"
                    + " to serve requests sent to it (a guard against DNS rebinding)")
        }
        guard Self.writeMethods.contains(request.method) else { return nil }
        if let origin = request.headers["Origin"], !Self.isSameOrigin(origin, host: request.headers["Host"]) {
            return APIResponse.error(
                403, "cross-origin write refused: Origin \(origin.prefix(200)) is not this exporter")
        }
        if !request.body.isEmpty, !Self.isJSON(request.headers["Content-Type"]),
            !(request.hasFormBody && Self.readOnlyPosts.contains(request.path))
        {
            let received = request.headers["Content-Type"].map { "\"\($0.prefix(200))\"" } ?? "no Content-Type"
            return APIResponse.error(
                415, "request body must be sent as Content-Type: application/json, got \(received)")
        }
        return nil
    }

    static let writeMethods: Set<String> = ["POST", "PUT", "DELETE", "PATCH"]

    /// The paths whose `POST` only reads (Prometheus' query API), so a form-encoded body is let through.
    static let readOnlyPosts: Set<String> = [
        "/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/api/v1/labels",
    ]

    /// Whether `origin` (`http://host:port`) names the host the request was sent to.
    static func isSameOrigin(_ origin: String, host: String?) -> Bool {
        guard let host, let separator = origin.range(of: "://") else { return false }
        return origin[separator.upperBound...].lowercased() == host.lowercased()
    }

    /// Whether `contentType` is `application/json`, in any letter case, with or without parameters.
    ///
    /// Read byte by byte: every heartbeat passes here, and trimming and lower-casing through Foundation took a tenth
    /// of a heartbeat's time.
    static func isJSON(_ contentType: String?) -> Bool {
        guard var contentType else { return false }
        return contentType.withUTF8 { bytes in
            let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
            var index = 0
            while index < bytes.count, isBlank(bytes[index]) { index += 1 }
            for expected in "application/json".utf8 {
                guard index < bytes.count else { return false }
                var byte = bytes[index]
                if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte += 32 }
                guard byte == expected else { return false }
                index += 1
            }
            while index < bytes.count, isBlank(bytes[index]) { index += 1 }
            return index == bytes.count || bytes[index] == UInt8(ascii: ";")
        }
    }
}
