import Fleet
import Model
import Rules

/// What a recovery ladder would do for one agent: the ladder that applies and, for each of its steps, the exact
/// argument vector and environment of its command (or its webhook's URL), its timeout and its wait.
///
/// This is the one place commands are expanded. The ladder runner asks for the plan when a run starts
/// (``make(labels:ladders:searchPath:limits:)``) and spawns each step's ``Step/Action/command(arguments:environment:)``
/// as it is, with `posix_spawn` and no shell; `heartbeat-exporter recovery plan AGENT` prints the same plan without
/// running anything. The agent's name is checked against the heartbeat schema's grammar before any template is
/// expanded, so a name that no heartbeat could carry never reaches a command.
public struct RecoveryPlan: Sendable, Equatable {
    /// The first ladder whose matchers match the agent.
    public var ladder: RecoveryLadder
    /// The agent's name (its `agent` label).
    public var agent: String
    /// The ladder's steps, expanded for the agent, in order.
    public var steps: [Step]

    /// One expanded step.
    public struct Step: Sendable, Equatable {
        /// The step's name (`HEARTBEAT_STEP`).
        public var name: String
        /// What the step does, expanded.
        public var action: Action
        /// How long the command or the webhook may take.
        public var timeout: PrometheusDuration
        /// How long the agent then has to beat again.
        public var wait: PrometheusDuration

        /// A step with every field given.
        public init(name: String, action: Action, timeout: PrometheusDuration, wait: PrometheusDuration) {
            self.name = name
            self.action = action
            self.timeout = timeout
            self.wait = wait
        }
    }

    /// An expanded action.
    public enum Action: Sendable, Equatable {
        /// The program (`arguments[0]`, looked up in the environment's `PATH` when it has no `/`) and its
        /// arguments, each exactly one element, and the whole environment of the process.
        case command(arguments: [String], environment: [String: String])
        /// The webhook's URL (POSTed to with the step's timeout).
        case webhook(url: String)
    }

    /// The plan for an agent with `labels`, or nil when no ladder matches it.
    /// - Parameters:
    ///   - labels: the agent's labels as ladders see them (``agentLabels(agent:agentType:host:own:)``).
    ///   - ladders: the ladders of the configuration in force, in order.
    ///   - searchPath: the `PATH` the commands get (the exporter's own).
    ///   - limits: the heartbeat limits whose agent-name grammar the name must meet.
    /// - Throws: ``RecoveryPlanError`` when the agent's name breaks the grammar (checked first, whether or not a
    ///   ladder matches) or a command does not expand.
    public static func make(
        labels: Labels, ladders: [RecoveryLadder], searchPath: String, limits: HeartbeatLimits = HeartbeatLimits()
    ) throws(RecoveryPlanError) -> RecoveryPlan? {
        let agent = labels["agent"]
        do throws(HeartbeatError) {
            try HeartbeatDecoder(limits: limits).checkAgentName(agent)
        } catch {
            throw .invalidAgentName(agent, reason: error.description)
        }
        guard let ladder = ladders.first(where: { $0.matches(labels) }) else { return nil }
        var steps: [Step] = []
        for step in ladder.steps {
            steps.append(try expand(step, ladder: ladder.name, labels: labels, searchPath: searchPath))
        }
        return RecoveryPlan(ladder: ladder, agent: agent, steps: steps)
    }

    /// An agent's labels as ladders match and expand them: `agent`, `agent_type` and `host` when the agent has
    /// them, and its own labels (which the heartbeat schema keeps from using those three names).
    public static func agentLabels(
        agent: String, agentType: String?, host: String?, own: [(name: String, value: String)]
    ) -> Labels {
        var labels = own.map { Label($0.name, $0.value) }
        labels.append(Label("agent", agent))
        if let agentType { labels.append(Label("agent_type", agentType)) }
        if let host { labels.append(Label("host", host)) }
        return Labels(labels)
    }

    private static func expand(_ step: RecoveryStep, ladder: String, labels: Labels, searchPath: String)
        throws(RecoveryPlanError) -> Step
    {
        switch step.action {
        case .webhook(let url):
            return Step(name: step.name, action: .webhook(url: url), timeout: step.timeout, wait: step.wait)
        case .command(let templates):
            var arguments: [String] = []
            for (index, text) in templates.enumerated() {
                arguments.append(try argument(text, index: index, step: step.name, ladder: ladder, labels: labels))
            }
            guard let program = arguments.first, !program.isEmpty else {
                throw .emptyProgram(ladder: ladder, step: step.name)
            }
            let environment = [
                "HEARTBEAT_AGENT": labels["agent"], "HEARTBEAT_AGENT_TYPE": labels["agent_type"],
                "HEARTBEAT_STEP": step.name, "PATH": searchPath,
            ]
            let action = Action.command(arguments: arguments, environment: environment)
            return Step(name: step.name, action: action, timeout: step.timeout, wait: step.wait)
        }
    }

    private static func argument(_ text: String, index: Int, step: String, ladder: String, labels: Labels)
        throws(RecoveryPlanError) -> String
    {
        do throws(TemplateError) {
            let name = "\(ladder)/\(step)/command[\(index)]"
            return try RecoveryCommandTemplate(parsing: text, name: name).argument(for: labels)
        } catch {
            throw .template(ladder: ladder, step: step, message: error.message)
        }
    }
}

/// Why a plan could not be made; the runner records it as the step's failure, the CLI prints it.
public enum RecoveryPlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The agent's name is not one a heartbeat may carry (`reason` is the schema's rule).
    case invalidAgentName(String, reason: String)
    /// A command template failed to expand (Go's message, naming `ladder/step/command[i]`).
    case template(ladder: String, step: String, message: String)
    /// A command's first element expanded to the empty string: there is no program to run.
    case emptyProgram(ladder: String, step: String)

    public var description: String {
        switch self {
        case .invalidAgentName(let name, let reason):
            "refusing agent name \(GoFormat.quote(name)) for a recovery command: \(reason)"
        case .template(let ladder, let step, let message):
            "ladder \(GoFormat.quote(ladder)), step \(GoFormat.quote(step)): \(message)"
        case .emptyProgram(let ladder, let step):
            "ladder \(GoFormat.quote(ladder)), step \(GoFormat.quote(step)): the command's program expands to \"\""
        }
    }
}
