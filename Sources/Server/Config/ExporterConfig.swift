import Alerting
import Fleet
import Foundation
import Recovery
import YAMLConfig

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
/// global:
///   evaluation_interval: 15s
///   external_labels: {fleet: production}
/// rule_files: ['rules/*.yml']
/// recovery:
///   ladders:
///     - name: workers
///       matchers: ['agent_type="worker"']
///       steps:
///         - {name: restart, command: [systemctl, restart, 'agent@{{ .agent }}.service'], wait: 2m}
/// ```
public struct ExporterConfig: Sendable, Equatable {
    public var health: HealthPolicy = .standard
    /// Upper bounds of `agent_task_duration_seconds`, ascending.
    public var taskDurationBuckets: [Double] = DurationHistogram.defaultUpperBounds
    public var global = GlobalConfig()
    /// Globs of rule files, relative to the configuration file's directory; nil when the file names none.
    public var ruleFiles: [String]?
    /// The directory relative paths in the file are resolved against.
    public var baseDirectory = "."
    /// `route`, `inhibit_rules` and `receivers`, as Alertmanager reads them; nil when the file has none.
    public var alerting: AlertingConfig?
    /// The `recovery:` section's ladders, in the file's order (the first that matches an agent applies); empty
    /// when the file has none. The ladder runner reads them from the configuration in force, so a reload applies.
    public var recoveryLadders: [RecoveryLadder] = []

    /// The rule file globs in force: those of the file, else `rules/*.yml` beside it.
    public var ruleFileGlobs: [String] {
        (ruleFiles ?? ["rules/*.yml"]).map { $0.hasPrefix("/") ? $0 : "\(baseDirectory)/\($0)" }
    }

    public init() {}

    /// Reads and checks `path`; a missing file gives the built-in defaults when `mustExist` is false.
    public static func load(path: String, mustExist: Bool) throws(ConfigError) -> ExporterConfig {
        let directory = (path as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: path) else {
            if mustExist { throw ConfigError(file: path, key: "", message: "file does not exist") }
            var defaults = ExporterConfig()
            defaults.baseDirectory = directory.isEmpty ? "." : directory
            return defaults
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, key: "", message: "cannot read file")
        }
        var config = try parse(String(decoding: data, as: UTF8.self), file: path)
        config.baseDirectory = directory.isEmpty ? "." : directory
        return config
    }

    /// Parses a configuration document; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ExporterConfig {
        var config = ExporterConfig()
        guard let reader = try YAMLNodeReader.document(text, file: file) else { return config }
        var alertingSections: [String: YAMLNodeReader] = [:]
        let keys: Set<String> = [
            "health", "metrics", "global", "rule_files", "route", "inhibit_rules", "receivers", "recovery",
        ]
        for (key, child) in try reader.mapping(allowed: keys) {
            switch key {
            case "health": config.health = try HealthSection.read(child)
            case "metrics": config.taskDurationBuckets = try MetricsSection.read(child)
            case "global": config.global = try GlobalConfig.read(child)
            case "recovery": config.recoveryLadders = try RecoverySection.read(child)
            case "rule_files":
                config.ruleFiles = try child.sequence().map { (item) throws(ConfigError) in try item.string() }
            default: alertingSections[key] = child
            }
        }
        config.alerting = try AlertingConfig.read(
            document: reader, route: alertingSections["route"], inhibitRules: alertingSections["inhibit_rules"],
            receivers: alertingSections["receivers"])
        return config
    }
}
