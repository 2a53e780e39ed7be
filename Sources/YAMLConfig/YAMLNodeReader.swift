import Model
import Yams

/// Reads a YAML document strictly: every key must be known, every value of the expected type, and every
/// error names the file, line, column and key path.
///
/// ```swift
/// let reader = try YAMLNodeReader.document(text, file: "hx.yml")
/// for (key, child) in try reader.mapping(allowed: ["health"]) { … try child.duration() … }
/// ```
public struct YAMLNodeReader {
    public let file: String
    public let node: Node
    /// The dotted key path of `node`.
    public let path: String

    public init(file: String, node: Node, path: String) {
        self.file = file
        self.node = node
        self.path = path
    }

    /// The root of a YAML document; nil for an empty document.
    /// - Throws: ``ConfigError`` with the line and column of a YAML syntax error.
    public static func document(_ text: String, file: String) throws(ConfigError) -> YAMLNodeReader? {
        do {
            guard let node = try Yams.compose(yaml: text) else { return nil }
            return YAMLNodeReader(file: file, node: node, path: "")
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw ConfigError(file: file, key: "", message: "\(error)")
        }
    }

    private static func yamlError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, column: mark.column, key: "", message: "YAML: \(problem)")
        default:
            return ConfigError(file: file, key: "", message: "YAML: \(error)")
        }
    }

    /// An error at `node` (default: this one), naming `key` (default: this path).
    public func error(_ message: String, at node: Node? = nil, key: String? = nil) -> ConfigError {
        let mark = (node ?? self.node).mark
        return ConfigError(file: file, line: mark?.line, column: mark?.column, key: key ?? path, message: message)
    }

    /// The dotted path of a child key.
    public func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The entries of a mapping, after checking that every key is one of `allowed` (all keys when nil).
    public func mapping(allowed: Set<String>? = nil) throws(ConfigError) -> [(key: String, reader: YAMLNodeReader)] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" { return [] }
        guard case .mapping(let mapping) = node else { throw error("must be a mapping") }
        var entries: [(key: String, reader: YAMLNodeReader)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else { throw error("keys must be strings", at: keyNode) }
            let child = YAMLNodeReader(file: file, node: valueNode, path: childPath(key.string))
            if let allowed, !allowed.contains(key.string) {
                throw error(
                    "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))", at: keyNode,
                    key: child.path)
            }
            if entries.contains(where: { $0.key == key.string }) {
                throw error("key appears twice", at: keyNode, key: child.path)
            }
            entries.append((key.string, child))
        }
        return entries
    }

    /// The items of a list.
    public func sequence() throws(ConfigError) -> [YAMLNodeReader] {
        guard case .sequence(let sequence) = node else { throw error("must be a list") }
        return sequence.enumerated().map { index, item in
            YAMLNodeReader(file: file, node: item, path: "\(path)[\(index)]")
        }
    }

    /// A scalar as text.
    public func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error("must be a string") }
        return scalar.string
    }

    /// A Prometheus duration such as `90s`, `5m`, `1h30m`.
    public func duration() throws(ConfigError) -> PrometheusDuration {
        let text = try string()
        do throws(PrometheusDuration.ParseError) {
            return try PrometheusDuration(parsing: text)
        } catch {
            throw self.error(error.description)
        }
    }

    /// A finite number.
    public func number() throws(ConfigError) -> Double {
        let text = try string()
        guard let value = Double(text), value.isFinite else { throw error("must be a number, got \"\(text)\"") }
        return value
    }
}
