import Alerting
import Fleet
import JSON
import Model

/// The body of a maintenance request: `until` (RFC 3339, or Unix seconds) or `duration` (`"2h"`, or seconds), with
/// optional `reason` and `by`; `POST /api/v1/maintenance` adds `matchers` (Alertmanager's syntax,
/// `{team="payments"}`).
struct MaintenanceBody {
    struct Failure: Error {
        var status: Int
        var message: String

        static func field(_ name: String, _ rule: String) -> Failure {
            Failure(status: 422, message: "field \"\(name)\": \(rule)")
        }
    }

    var window: MaintenanceWindow
    /// The `matchers` field, parsed; empty when absent.
    var matchers: [LabelMatcher] = []

    /// Reads the body received at `now`.
    /// - Parameter wantsMatchers: whether `matchers` is required (`POST /api/v1/maintenance`).
    static func parse(_ body: [UInt8], at now: Timestamp, wantsMatchers: Bool) -> Result<MaintenanceBody, Failure> {
        let document: JSONValue
        do throws(JSONParseError) {
            document = try JSONParser.parse(body)
        } catch {
            return .failure(Failure(status: 400, message: error.description))
        }
        guard case .object(let object) = document else {
            return .failure(Failure(status: 422, message: "body must be a JSON object with \"until\" or \"duration\""))
        }
        do throws(Failure) {
            let reason = try text(object, "reason"), by = try text(object, "by")
            let (until, field) = try end(object, at: now)
            let window: MaintenanceWindow
            do throws(MaintenanceError) {
                window = try .checked(from: now, until: until, reason: reason, by: by, field: field)
            } catch {
                throw Failure(status: 422, message: error.description)
            }
            var parsed = MaintenanceBody(window: window)
            if wantsMatchers { parsed.matchers = try matchers(object) }
            return .success(parsed)
        } catch {
            return .failure(error)
        }
    }

    private static func text(_ object: JSONObject, _ key: String) throws(Failure) -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard case .string(let text) = value, text.utf8.count <= 1024 else {
            throw .field(key, "must be a string of at most 1024 bytes")
        }
        return text
    }

    /// The window's end and the field that gave it.
    private static func end(_ object: JSONObject, at now: Timestamp) throws(Failure) -> (Timestamp, String) {
        let until = object["until"].flatMap { $0 == .null ? nil : $0 }
        let duration = object["duration"].flatMap { $0 == .null ? nil : $0 }
        switch (until, duration) {
        case (nil, nil): throw .field("until", "either \"until\" or \"duration\" is required")
        case (.some, .some): throw .field("duration", "give either \"until\" or \"duration\", not both")
        case (.some(.string(let text)), nil):
            guard let time = Timestamp(rfc3339: text) else { throw .field("until", "must be an RFC 3339 time") }
            return (time, "until")
        case (.some(.number(let seconds)), nil):
            guard seconds.isFinite, abs(seconds) < 1e11 else { throw .field("until", "must be a Unix time in seconds") }
            return (Timestamp(milliseconds: Int64((seconds * 1000).rounded())), "until")
        case (.some, nil): throw .field("until", "must be an RFC 3339 time or Unix seconds")
        case (nil, .some(.string(let text))):
            do throws(PrometheusDuration.ParseError) {
                return (now + (try PrometheusDuration(parsing: text)), "duration")
            } catch {
                throw .field("duration", error.description)
            }
        case (nil, .some(.number(let seconds))):
            guard seconds.isFinite, abs(seconds) < 1e9 else { throw .field("duration", "must be a number of seconds") }
            return (now + .seconds(seconds), "duration")
        case (nil, .some): throw .field("duration", "must be a duration such as \"2h\" or a number of seconds")
        }
    }

    private static func matchers(_ object: JSONObject) throws(Failure) -> [LabelMatcher] {
        guard let value = object["matchers"], case .string(let text) = value else {
            throw .field("matchers", "is required: a string such as {team=\"payments\"}")
        }
        let parsed: [LabelMatcher]
        do throws(MatcherError) {
            parsed = try MatcherParser.parseList(text)
        } catch {
            throw .field("matchers", "\(error)")
        }
        guard !parsed.isEmpty else { throw .field("matchers", "must hold at least one matcher") }
        guard !parsed.allSatisfy(\.matchesEmpty) else {
            throw .field("matchers", "at least one matcher must not match the empty string")
        }
        return parsed
    }
}
