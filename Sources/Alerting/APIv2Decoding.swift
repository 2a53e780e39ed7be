import JSON
import Model

/// Reads the request bodies of Alertmanager's API v2, with go-swagger's wording for missing fields.
public enum APIv2Decoding {
    /// Decodes a `PostableSilence` (`{"id"?, "matchers", "startsAt", "endsAt", "createdBy", "comment"}`).
    ///
    /// The result is not yet validated as a silence; ``SilenceStore/post(_:at:newID:)`` does that.
    /// - Throws: ``SilenceError/badRequest(_:)``, such as `createdBy in body is required` or
    ///   `matchers in body should have at least 1 items`.
    public static func postableSilence(_ body: [UInt8]) throws(SilenceError) -> Silence {
        let parsed: JSONValue
        do throws(JSONParseError) {
            parsed = try JSONParser.parse(body)
        } catch {
            throw .badRequest(error.description)
        }
        guard let object = parsed.objectValue else { throw .badRequest("body must be a JSON object") }
        let matchers = try silenceMatchers(object["matchers"])
        return Silence(
            id: try optionalString(object, "id") ?? "", matchers: matchers,
            startsAt: try time(object, "startsAt"), endsAt: try time(object, "endsAt"),
            createdBy: try string(object, "createdBy"), comment: try string(object, "comment"))
    }

    /// Decodes an acknowledgement, shaped like a silence without `startsAt` (`{"matchers", "createdBy",
    /// "comment", "endsAt"?}`), with the same wording for what is wrong.
    /// - Throws: ``SilenceError/badRequest(_:)`` or ``SilenceError/invalid(_:)`` (a matcher's regular expression).
    public static func postableAcknowledgement(_ body: [UInt8]) throws(SilenceError) -> (
        matchers: [LabelMatcher], createdBy: String, comment: String, endsAt: Timestamp?
    ) {
        let parsed: JSONValue
        do throws(JSONParseError) {
            parsed = try JSONParser.parse(body)
        } catch {
            throw .badRequest(error.description)
        }
        guard let object = parsed.objectValue else { throw .badRequest("body must be a JSON object") }
        let matchers = try silenceMatchers(object["matchers"])
        let endsAt: Timestamp? = object["endsAt"].map { $0.isNull } == false ? try time(object, "endsAt") : nil
        return (matchers, try string(object, "createdBy"), try string(object, "comment"), endsAt)
    }

    private static func silenceMatchers(_ value: JSONValue?) throws(SilenceError) -> [LabelMatcher] {
        guard let value, !value.isNull else { throw .badRequest("matchers in body is required") }
        guard let items = value.arrayValue else { throw .badRequest("matchers in body must be of type array") }
        guard !items.isEmpty else { throw .badRequest("matchers in body should have at least 1 items") }
        var matchers: [LabelMatcher] = []
        for (index, item) in items.enumerated() {
            matchers.append(try matcher(item, path: "matchers.\(index)"))
        }
        return matchers
    }

    private static func matcher(_ value: JSONValue, path: String) throws(SilenceError) -> LabelMatcher {
        guard let object = value.objectValue else { throw .badRequest("\(path) in body must be of type object") }
        let name = try string(object, "name", path: path)
        let text = try string(object, "value", path: path)
        guard let isRegex = object["isRegex"]?.boolValue else {
            throw .badRequest("\(path).isRegex in body is required")
        }
        let isEqual = object["isEqual"]?.boolValue ?? true
        do throws(MatcherError) {
            return try LabelMatcher.alertmanager(LabelMatcher.MatchType(isRegex: isRegex, isEqual: isEqual), name, text)
        } catch {
            let reason = LabelMatcher.goRegexErrorUnanchored(text) ?? error.message
            let index = path.split(separator: ".").last ?? ""
            throw .invalid(
                "invalid label matcher \(index): invalid regular expression \(GoFormat.quote(text)): \(reason)")
        }
    }

    private static func string(_ object: JSONObject, _ key: String, path: String? = nil) throws(SilenceError) -> String
    {
        let field = path.map { "\($0).\(key)" } ?? key
        guard let value = object[key], !value.isNull else { throw .badRequest("\(field) in body is required") }
        guard let text = value.stringValue else { throw .badRequest("\(field) in body must be of type string") }
        return text
    }

    private static func optionalString(_ object: JSONObject, _ key: String) throws(SilenceError) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw .badRequest("\(key) in body must be of type string") }
        return text
    }

    private static func time(_ object: JSONObject, _ key: String) throws(SilenceError) -> Timestamp {
        let text = try string(object, key)
        guard let time = Timestamp(rfc3339: text) else {
            throw .badRequest("\(key) in body must be of type date-time: \(GoFormat.quote(text))")
        }
        return time
    }
}
