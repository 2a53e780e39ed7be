import HTTP
import Model

/// The parameter parsing of Prometheus' query API (`web/api/v1/api.go`: `parseTime`, `parseDuration`), with its
/// messages.
enum QueryParameters {
    /// A bad parameter: Prometheus' `invalidParamError` (`invalid parameter "step": …`).
    struct Invalid: Error {
        let parameter: String
        let reason: String

        var message: String { "invalid parameter \"\(parameter)\": \(reason)" }
    }

    /// Prometheus' `minTimeFormatted` and `maxTimeFormatted`, which clients send for "unbounded".
    static let minTimeText = "-292273086-05-16T16:47:06Z"
    static let maxTimeText = "292277025-08-18T07:12:54.999999999Z"

    /// A time as Unix seconds (`1700000000.123`, rounded to the millisecond) or RFC 3339 (`2026-12-06T18:00:00Z`).
    static func time(_ text: String) -> Timestamp? {
        if let seconds = Double(text), seconds.isFinite {
            return Timestamp(seconds: seconds)
        }
        if text == minTimeText { return Timestamp(milliseconds: Int64.min / 2) }
        if text == maxTimeText { return Timestamp(milliseconds: Int64.max / 2) }
        return Timestamp(rfc3339: text)
    }

    /// `name`'s time, or `fallback` when absent or empty (`parseTimeParam`).
    static func time(_ name: String, in request: HTTPRequest, default fallback: Timestamp) throws(Invalid)
        -> Timestamp
    {
        guard let text = request.formValue(name), !text.isEmpty else { return fallback }
        guard let time = time(text) else {
            throw Invalid(
                parameter: name,
                reason: "Invalid time value for '\(name)': cannot parse \"\(text)\" to a valid timestamp")
        }
        return time
    }

    /// `name`'s time, required (`parseTime`: a missing one is the empty text, which does not parse).
    static func requiredTime(_ name: String, in request: HTTPRequest) throws(Invalid) -> Timestamp {
        let text = request.formValue(name) ?? ""
        guard let time = time(text) else {
            throw Invalid(parameter: name, reason: "cannot parse \"\(text)\" to a valid timestamp")
        }
        return time
    }

    /// A duration as seconds (`15`, `0.5`) or Prometheus' duration text (`1m30s`).
    static func duration(_ name: String, _ text: String) throws(Invalid) -> PrometheusDuration {
        if let seconds = Double(text), seconds.isFinite {
            guard abs(seconds) < 9.2e9 else {
                throw Invalid(
                    parameter: name, reason: "cannot parse \"\(text)\" to a valid duration. It overflows int64")
            }
            return .milliseconds(Int64((seconds * 1000).rounded(.towardZero)))
        }
        guard let duration = try? PrometheusDuration(parsing: text) else {
            throw Invalid(parameter: name, reason: "cannot parse \"\(text)\" to a valid duration")
        }
        return duration
    }
}
