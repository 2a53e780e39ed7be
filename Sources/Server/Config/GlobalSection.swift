import Model
import YAMLConfig

/// The `global:` section, with Prometheus' field names.
public struct GlobalConfig: Sendable, Equatable {
    /// How often rule groups without their own `interval` are evaluated (Prometheus' default 15s).
    public var evaluationInterval = PrometheusDuration.seconds(15)
    /// Labels added to alerts sent out, and available to templates as `$externalLabels`.
    public var externalLabels: [String: String] = [:]
    /// The URL the exporter is reached at: the webhook payload's `externalURL`, and the base of the alerts' link
    /// (`/api/v1/rules`) and of `$externalURL` unless `--web.external-url` names a Prometheus (``ExternalURLs``).
    public var externalURL: String?
    /// How often the rules' sample history is checkpointed to storage (besides the save at shutdown): what a
    /// `kill -9` can lose at most.
    public var ruleHistoryCheckpointInterval = PrometheusDuration.minutes(1)

    public init() {}

    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> GlobalConfig {
        var global = GlobalConfig()
        for (key, child) in try reader.mapping(allowed: [
            "evaluation_interval", "external_labels", "external_url", "rule_history_checkpoint_interval",
        ]) {
            switch key {
            case "evaluation_interval":
                global.evaluationInterval = try child.duration()
                guard global.evaluationInterval > .zero else { throw child.error("must be above 0s") }
            case "external_labels":
                for (name, value) in try child.mapping() {
                    guard isLabelName(name) else { throw value.error("invalid label name \"\(name)\"") }
                    global.externalLabels[name] = try value.string()
                }
            case "rule_history_checkpoint_interval":
                global.ruleHistoryCheckpointInterval = try child.duration()
                guard global.ruleHistoryCheckpointInterval > .zero else { throw child.error("must be above 0s") }
            default:
                global.externalURL = try child.string()
            }
        }
        return global
    }

    private static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }
}
