import AlertPipeline
import Alerting
import Fleet
import Model
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
///     nightly: {degraded_after: 25h, unreachable_after: 26h}
///   by_agent:
///     billing-export: {degraded_after: 2h, unreachable_after: 6h}
///   batch_grace: 30m
/// metrics:
///   task_duration_buckets: [0.5, 1, 5, 30, 120]
/// global:
///   evaluation_interval: 15s
///   external_labels: {fleet: production}
/// schedules:
///   - {matchers: ['agent="nightly-report"'], cron: '0 3 * * *', timezone: Europe/Berlin, grace: 1h}
/// fleet:
///   expected:
///     agents: [{name: nightly-report, agent_type: nightly, schedule: {cron: '0 3 * * *'}}]
///     minimum_by_agent_type: {worker: 3}
/// rule_files: ['rules/*.yml']
/// notices: {receiver: ops-chat, events: [agent_killed, silence_expired]}
/// history: {retention: 30d}
/// dependencies:
///   - {matchers: ['agent_type="worker"'], depends_on: [planner-1]}
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
    /// `metrics.per_agent_histograms` and `metrics.drop_labels`.
    public var exposition = ExpositionOptions.standard
    public var global = GlobalConfig()
    /// Globs of rule files, relative to the configuration file's directory; nil when the file names none.
    public var ruleFiles: [String]?
    /// The directory relative paths in the file are resolved against.
    public var baseDirectory = "."
    /// `route`, `inhibit_rules` and `receivers`, as Alertmanager reads them; nil when the file has none.
    public var alerting: AlertingConfig?
    /// The `recovery:` section's ladders, in the file's order (the first that matches an agent applies); empty
    /// when the file has none; a command's relative program path is resolved against ``baseDirectory`` when the
    /// file is loaded. The ladder runner reads them from the configuration in force, so a reload applies.
    public var recoveryLadders: [RecoveryLadder] = []
    /// The `fleet:` section: the agents expected by name and the minimum counts per agent type.
    public var expectedFleet = ExpectedFleet()
    /// The `notices:` section; nil when the file has none (no event is announced).
    public var notices: NoticeSettings?
    /// The `dependencies:` section: which agents depend on which, besides what their beats declare.
    public var dependencies: [DependencyRule] = []
    /// Where each of ``dependencies`` is written, for the errors found once the fleet is known.
    var dependencySites = ConfigSites()
    /// `history.retention`: how long the alert history keeps resolved episodes and notification attempts.
    public var historyRetention = AlertHistory.defaultRetention
    /// `history.activity_retention`: how long agents' 5-minute activity buckets are kept.
    public var activityRetention = FleetActivity.defaultRetention

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
        config.recoveryLadders = config.recoveryLadders.map { $0.resolvingPrograms(against: config.baseDirectory) }
        return config
    }

    /// Parses a configuration document; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ExporterConfig {
        var config = ExporterConfig()
        guard let reader = try YAMLNodeReader.document(text, file: file) else { return config }
        var alertingSections: [String: YAMLNodeReader] = [:]
        let keys: Set<String> = [
            "health", "metrics", "global", "rule_files", "route", "inhibit_rules", "receivers", "recovery", "schedules",
            "fleet", "notices", "history", "dependencies",
        ]
        var schedules: [ScheduleRule] = []
        var notices: YAMLNodeReader?
        for (key, child) in try reader.mapping(allowed: keys) {
            switch key {
            case "health": config.health = try HealthSection.read(child)
            case "schedules": schedules = try SchedulesSection.read(child)
            case "metrics": (config.taskDurationBuckets, config.exposition) = try MetricsSection.read(child)
            case "global": config.global = try GlobalConfig.read(child)
            case "recovery": config.recoveryLadders = try RecoverySection.read(child)
            case "fleet": config.expectedFleet = try FleetSection.read(child)
            case "notices": notices = child
            case "history":
                let history = try HistorySection.read(child)
                config.historyRetention = history.retention
                config.activityRetention = history.activityRetention
            case "dependencies":
                (config.dependencies, config.dependencySites.sites) = try DependenciesSection.read(child)
            case "rule_files":
                config.ruleFiles = try child.sequence().map { (item) throws(ConfigError) in try item.string() }
            default: alertingSections[key] = child
            }
        }
        config.health.schedules = schedules
        config.alerting = try AlertingConfig.read(
            document: reader, route: alertingSections["route"], inhibitRules: alertingSections["inhibit_rules"],
            receivers: alertingSections["receivers"])
        if let notices {
            let receivers = Set(config.alerting?.receivers.map(\.name) ?? [])
            config.notices = try NoticesSection.read(notices, receivers: receivers)
        }
        return config
    }
}

/// Where entries of a section are written in the file (an error with its position and key, and no message yet): not
/// what the configuration says, so any two are equal.
struct ConfigSites: Sendable, Equatable {
    var sites: [ConfigError] = []

    static func == (_: ConfigSites, _: ConfigSites) -> Bool { true }
}
