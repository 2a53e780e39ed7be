import Model

/// One ladder of the configuration's `recovery:` section: which agents it applies to, the state that starts it,
/// how often it may run, and its steps in order.
public struct RecoveryLadder: Sendable, Equatable {
    /// The ladder's name (`ladder` label of the recovery metrics).
    public var name: String
    /// Alertmanager matchers on the agent's labels (`agent`, `agent_type`, `host` and its own labels); the first
    /// ladder whose matchers all match an agent applies to it.
    public var matchers: [LabelMatcher]
    /// The state that starts a run.
    public var trigger: RecoveryTrigger
    /// Runs allowed within any hour; one more is refused and the agent's alerts go to a person at once.
    public var maxRunsPerHour: Int
    /// The steps, tried in order until the agent beats again.
    public var steps: [RecoveryStep]

    /// A ladder with every field given.
    public init(
        name: String, matchers: [LabelMatcher], trigger: RecoveryTrigger, maxRunsPerHour: Int, steps: [RecoveryStep]
    ) {
        self.name = name
        self.matchers = matchers
        self.trigger = trigger
        self.maxRunsPerHour = maxRunsPerHour
        self.steps = steps
    }

    /// Whether the ladder applies to an agent with `labels`.
    public func matches(_ labels: Labels) -> Bool { matchers.allSatisfy { $0.matches(labels) } }

    /// The ladder with each command's program resolved against `directory` (the configuration file's) when it is
    /// a relative path (`./restart-agent.sh`, `bin/restart`), as `rule_files` are; a bare name (`systemctl`) is
    /// left to the `PATH` lookup, an absolute path and a template are left as they are.
    public func resolvingPrograms(against directory: String) -> RecoveryLadder {
        var resolved = self
        for index in resolved.steps.indices {
            guard case .command(var arguments) = resolved.steps[index].action, let program = arguments.first,
                program.contains("/"), !program.hasPrefix("/"), !program.contains("{{")
            else { continue }
            let relative = program.hasPrefix("./") ? String(program.dropFirst(2)) : program
            arguments[0] = directory == "." ? "./" + relative : directory + "/" + relative
            resolved.steps[index].action = .command(arguments)
        }
        return resolved
    }
}

/// The health state that starts a ladder.
public enum RecoveryTrigger: String, Sendable, Equatable, CaseIterable {
    case unreachable
    case degraded
}

/// One step of a ladder: what it does, how long that may take, and how long the agent then has to beat again.
public struct RecoveryStep: Sendable, Equatable {
    /// The step's name (`step` label of the recovery metrics, `HEARTBEAT_STEP` for a command).
    public var name: String
    /// What the step does.
    public var action: RecoveryAction
    /// How long the command or the webhook may take before the step counts as timed out.
    public var timeout: PrometheusDuration
    /// How long the agent has, once the step finished, to beat again before the next step (or a person).
    public var wait: PrometheusDuration

    /// A step with every field given.
    public init(name: String, action: RecoveryAction, timeout: PrometheusDuration, wait: PrometheusDuration) {
        self.name = name
        self.action = action
        self.timeout = timeout
        self.wait = wait
    }
}

/// What a step does.
public enum RecoveryAction: Sendable, Equatable {
    /// Runs a command as an argument vector, never through a shell. Each element is a template (Go
    /// `text/template` syntax, as in alert annotations) over the agent's labels that expands to exactly one
    /// argument (`agent@{{ .agent }}.service`).
    case command([String])
    /// POSTs a JSON body naming the agent, its labels, the step and the reason to `url`, with the webhook
    /// receivers' retry rules.
    case webhook(url: String)
}
