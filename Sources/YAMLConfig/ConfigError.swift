/// A problem in the configuration file, with the file, line and column and the key it concerns.
///
/// Renders as `heartbeat-exporter.yml:4:3: health.degraded_after: not a valid duration string: "9Os"`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The dotted key path, such as `health.by_agent_type.nightly.degraded_after`; empty for the document.
    public var key: String
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        var position = file
        if let line { position += ":\(line)" }
        if let column { position += ":\(column)" }
        return key.isEmpty ? "\(position): \(message)" : "\(position): \(key): \(message)"
    }
}
