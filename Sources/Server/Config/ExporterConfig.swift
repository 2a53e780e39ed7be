import Fleet
import Foundation
import Yams

/// The configuration file (`--config.file`), as far as the exporter reads it.
///
/// ```yaml
/// health:
///   degraded_after: 90s
///   unreachable_after: 5m
///   stopped_retention: 24h
///   by_agent_type:
///     nightly-report: {degraded_after: 25h, unreachable_after: 26h}
/// metrics:
///   task_duration_buckets: [0.5, 1, 5, 30, 120]
/// ```
public struct ExporterConfig: Sendable, Equatable {
    public var health: HealthPolicy = .standard
    /// Upper bounds of `agent_task_duration_seconds`, ascending.
    public var taskDurationBuckets: [Double] = DurationHistogram.defaultUpperBounds

    public init() {}

    /// Reads and checks `path`; a missing file gives the built-in defaults when `mustExist` is false.
    public static func load(path: String, mustExist: Bool) throws(ConfigError) -> ExporterConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            if mustExist { throw ConfigError(file: path, key: "", message: "file does not exist") }
            return ExporterConfig()
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, key: "", message: "cannot read file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses a configuration document; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ExporterConfig {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { return ExporterConfig() }
            root = node
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw ConfigError(file: file, key: "", message: "\(error)")
        }
        var config = ExporterConfig()
        let reader = YAMLNodeReader(file: file, node: root, path: "")
        for (key, child) in try reader.mapping(allowed: ["health", "metrics"]) {
            switch key {
            case "health": config.health = try HealthSection.read(child)
            default: config.taskDurationBuckets = try MetricsSection.read(child)
            }
        }
        return config
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
}
