import Alerting
import Model
import Rules
import YAMLConfig

/// The configuration file's `recovery:` section: its ladders, checked strictly (unknown keys refused, every error
/// naming the key and line), in the order the file lists them (the first ladder that matches an agent applies).
///
/// ```yaml
/// recovery:
///   ladders:
///     - name: workers
///       matchers: ['agent_type="worker"']
///       trigger: degraded             # default; or unreachable
///       max_runs_per_hour: 3          # default
///       steps:
///         - name: restart
///           command: [systemctl, restart, 'agent@{{ .agent }}.service']
///           timeout: 30s              # default for a command
///           wait: 2m                  # required
///         - name: replace
///           webhook: {url: 'http://orchestrator:8080/replace', timeout: 10s}   # timeout: default 10s
///           wait: 3m
/// ```
public enum RecoverySection {
    /// The default `max_runs_per_hour`.
    public static let defaultMaxRunsPerHour = 3
    /// The default `timeout` of a command step.
    public static let defaultCommandTimeout = PrometheusDuration.seconds(30)
    /// The default `timeout` of a webhook step (inside `webhook:`).
    public static let defaultWebhookTimeout = PrometheusDuration.seconds(10)

    /// Reads the section at `reader` (the value of the `recovery` key).
    /// - Throws: ``ConfigError`` naming the key path (`recovery.ladders[0].steps[1].wait`) and its line.
    public static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> [RecoveryLadder] {
        var ladders: [RecoveryLadder] = []
        for (_, child) in try reader.mapping(allowed: ["ladders"]) {
            for item in try child.sequence() {
                let ladder = try readLadder(item)
                guard !ladders.contains(where: { $0.name == ladder.name }) else {
                    throw try item.nameReader().error("ladder name \"\(ladder.name)\" appears twice")
                }
                ladders.append(ladder)
            }
        }
        return ladders
    }

    private static func readLadder(_ reader: YAMLNodeReader) throws(ConfigError) -> RecoveryLadder {
        let keys: Set<String> = ["name", "matchers", "trigger", "max_runs_per_hour", "steps"]
        var ladder = RecoveryLadder(
            name: "", matchers: [], trigger: .degraded, maxRunsPerHour: defaultMaxRunsPerHour, steps: [])
        var sawMatchers = false
        var sawSteps = false
        for (key, child) in try reader.mapping(allowed: keys) {
            switch key {
            case "name": ladder.name = try child.string()
            case "matchers":
                ladder.matchers = try child.alertmanagerMatchers()
                sawMatchers = true
            case "trigger": ladder.trigger = try trigger(child)
            case "max_runs_per_hour": ladder.maxRunsPerHour = try maxRuns(child)
            default:
                ladder.steps = try steps(child)
                sawSteps = true
            }
        }
        guard !ladder.name.isEmpty else { throw reader.error("a ladder needs a name", key: reader.childPath("name")) }
        guard sawMatchers else { throw reader.error("a ladder needs matchers", key: reader.childPath("matchers")) }
        guard sawSteps else { throw reader.error("a ladder needs steps", key: reader.childPath("steps")) }
        return ladder
    }

    private static func trigger(_ reader: YAMLNodeReader) throws(ConfigError) -> RecoveryTrigger {
        let text = try reader.string()
        guard let trigger = RecoveryTrigger(rawValue: text) else {
            let allowed = RecoveryTrigger.allCases.map(\.rawValue).joined(separator: " or ")
            throw reader.error("must be \(allowed), got \"\(text)\"")
        }
        return trigger
    }

    private static func maxRuns(_ reader: YAMLNodeReader) throws(ConfigError) -> Int {
        let text = try reader.string()
        guard let value = Int(text), value >= 1 else {
            throw reader.error("must be an integer of at least 1, got \"\(text)\"")
        }
        return value
    }

    private static func steps(_ reader: YAMLNodeReader) throws(ConfigError) -> [RecoveryStep] {
        var steps: [RecoveryStep] = []
        for item in try reader.sequence() {
            let step = try RecoveryStepSection.read(item)
            guard !steps.contains(where: { $0.name == step.name }) else {
                throw try item.nameReader().error("step name \"\(step.name)\" appears twice in this ladder")
            }
            steps.append(step)
        }
        guard !steps.isEmpty else { throw reader.error("must list at least one step") }
        return steps
    }
}

extension YAMLNodeReader {
    /// The `name` entry of this mapping (this mapping when it has none), to point at a repeated name.
    fileprivate func nameReader() throws(ConfigError) -> YAMLNodeReader {
        try mapping().first { $0.key == "name" }?.reader ?? self
    }
}
