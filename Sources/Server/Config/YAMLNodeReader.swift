import Series
import Yams

/// Reads a YAML document strictly: every key must be known, every value of the expected type, and every
/// error names the file, line, column and key path.
struct YAMLNodeReader {
    let file: String
    let node: Node
    /// The dotted key path of `node`.
    let path: String

    func error(_ message: String, at node: Node? = nil, key: String? = nil) -> ConfigError {
        let mark = (node ?? self.node).mark
        return ConfigError(file: file, line: mark?.line, column: mark?.column, key: key ?? path, message: message)
    }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The entries of a mapping, after checking that every key is one of `allowed` (all keys when nil).
    func mapping(allowed: Set<String>? = nil) throws(ConfigError) -> [(key: String, reader: YAMLNodeReader)] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" { return [] }
        guard case .mapping(let mapping) = node else { throw error("must be a mapping") }
        var entries: [(key: String, reader: YAMLNodeReader)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else { throw error("keys must be strings", at: keyNode) }
            let child = YAMLNodeReader(file: file, node: valueNode, path: childPath(key.string))
            if let allowed, !allowed.contains(key.string) {
                throw error("unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))", at: keyNode,
                            key: child.path)
            }
            if entries.contains(where: { $0.key == key.string }) {
                throw error("key appears twice", at: keyNode, key: child.path)
            }
            entries.append((key.string, child))
        }
        return entries
    }

    func sequence() throws(ConfigError) -> [YAMLNodeReader] {
        guard case .sequence(let sequence) = node else { throw error("must be a list") }
        return sequence.enumerated().map { index, item in
            YAMLNodeReader(file: file, node: item, path: "\(path)[\(index)]")
        }
    }

    func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error("must be a string") }
        return scalar.string
    }

    /// A Prometheus duration such as `90s`, `5m`, `1h30m`, in seconds.
    func duration() throws(ConfigError) -> Double {
        let text = try string()
        do throws(PrometheusDuration.ParseError) {
            return try PrometheusDuration.parse(text)
        } catch {
            throw self.error(error.description)
        }
    }

    func number() throws(ConfigError) -> Double {
        let text = try string()
        guard let value = Double(text), value.isFinite else { throw error("must be a number, got \"\(text)\"") }
        return value
    }
}
