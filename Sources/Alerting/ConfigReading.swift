import Model
import YAMLConfig

/// Small readers shared by the `route`, `inhibit_rules` and `receivers` sections.
extension YAMLNodeReader {
    /// A `matchers:` list: each item is one or more matchers in Alertmanager's syntax.
    func matcherList() throws(ConfigError) -> [LabelMatcher] {
        var matchers: [LabelMatcher] = []
        for item in try sequence() {
            let text = try item.string()
            do throws(MatcherError) {
                matchers += try MatcherParser.parseList(text)
            } catch {
                throw item.error(error.message)
            }
        }
        return matchers
    }

    /// A legacy `match:` (equality) or `match_re:` (regex) mapping from label names to values.
    func legacyMatchers(regex: Bool) throws(ConfigError) -> [LabelMatcher] {
        var matchers: [LabelMatcher] = []
        for (name, value) in try mapping() {
            guard isValidLabelName(name) else { throw value.error("invalid label name \"\(name)\"") }
            let text = try value.string()
            do throws(MatcherError) {
                matchers.append(try LabelMatcher.alertmanager(regex ? .regexMatch : .equal, name, text))
            } catch {
                throw value.error(regex ? "invalid regexp value for \"\(name)\": \(error.message)" : error.message)
            }
        }
        return matchers
    }

    /// A list of label names (`equal:`).
    func labelNameList() throws(ConfigError) -> [String] {
        var names: [String] = []
        for item in try sequence() {
            let name = try item.string()
            guard isValidLabelName(name) else { throw item.error("invalid label name \"\(name)\"") }
            names.append(name)
        }
        return names
    }

    /// At least one matcher, in Alertmanager's syntax (each item may hold several, comma-separated): the
    /// `matchers` of the configuration's sections that pick agents (recovery ladders, schedules, dependencies).
    public func alertmanagerMatchers() throws(ConfigError) -> [LabelMatcher] {
        var matchers: [LabelMatcher] = []
        for item in try sequence() {
            let text = try item.string()
            do throws(MatcherError) {
                matchers += try MatcherParser.parseList(text)
            } catch {
                throw item.error(error.message)
            }
        }
        guard !matchers.isEmpty else { throw error("must list at least one matcher") }
        return matchers
    }

    /// A boolean written `true` or `false`.
    func bool() throws(ConfigError) -> Bool {
        switch try string() {
        case "true": return true
        case "false": return false
        case let other: throw error("must be true or false, got \"\(other)\"")
        }
    }

    /// A non-negative integer.
    func count() throws(ConfigError) -> Int {
        let text = try string()
        guard let value = Int(text), value >= 0 else { throw error("must be a non-negative integer, got \"\(text)\"") }
        return value
    }

    /// The line of this node, for messages about it after parsing.
    var line: Int? { node.mark?.line }
}

/// Whether `name` is a valid Prometheus label name (`[a-zA-Z_][a-zA-Z0-9_]*`).
func isValidLabelName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
    return name.unicodeScalars.allSatisfy { scalar in
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_": true
        default: false
        }
    }
}

/// A place in the configuration file, kept to report problems found after parsing (such as a receiver
/// that does not exist).
struct ConfigSite: Sendable {
    var file: String
    var line: Int?
    var column: Int?
    var key: String

    init(_ reader: YAMLNodeReader) {
        file = reader.file
        line = reader.node.mark?.line
        column = reader.node.mark?.column
        key = reader.path
    }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, column: column, key: key, message: message)
    }
}
