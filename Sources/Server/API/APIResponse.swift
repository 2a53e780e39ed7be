import HTTP
import JSON

/// The kinds of error in Prometheus' JSON envelope (`errorType`).
enum APIErrorType: String {
    case badData = "bad_data"
    case notFound = "not_found"
    case unauthorized
    case forbidden
    case methodNotAllowed = "method_not_allowed"
    case limitReached = "limit_reached"
    case `internal`
    case unavailable
    /// A query failed while it was evaluated (Prometheus' `errorExec`, status 422).
    case execution
    /// A query ran out of time (status 503).
    case timeout

    /// The error type that goes with an HTTP status.
    static func forStatus(_ status: Int) -> APIErrorType {
        switch status {
        case 400, 413, 415, 422: .badData
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 429: .limitReached
        case 503: .unavailable
        default: .internal
        }
    }
}

/// Builds responses in Prometheus' envelope: `{"status":"success","data":…}` or
/// `{"status":"error","errorType":"bad_data","error":"…"}`.
enum APIResponse {
    static let jsonContentType = ("Content-Type", "application/json")

    /// A success reply whose `data` member is written by `data`.
    static func success(status: Int = 200, _ data: (inout JSONWriter) -> Void) -> HTTPResponse {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("status")
        writer.string("success")
        writer.key("data")
        data(&writer)
        writer.endObject()
        return HTTPResponse(status: status, headers: [jsonContentType], body: withNewline(writer.bytes))
    }

    /// An error reply; the error type follows from the status.
    static func error(_ status: Int, _ message: String, headers: [(String, String)] = []) -> HTTPResponse {
        error(status, type: .forStatus(status), message, headers: headers)
    }

    /// An error reply of the given type (for the types a status does not decide: `execution`, `timeout`).
    static func error(
        _ status: Int, type: APIErrorType, _ message: String, headers: [(String, String)] = []
    ) -> HTTPResponse {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("status")
        writer.string("error")
        writer.key("errorType")
        writer.string(type.rawValue)
        writer.key("error")
        writer.string(message)
        writer.endObject()
        return HTTPResponse(status: status, headers: [jsonContentType] + headers, body: withNewline(writer.bytes))
    }

    /// Ends a document with a newline, as `curl` users expect.
    private static func withNewline(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
