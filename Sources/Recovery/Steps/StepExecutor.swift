import Alerting
import Foundation
import Model

/// How a step's action ended, as the ladder records it.
public struct StepReport: Sendable, Equatable {
    /// For `heartbeat_exporter_recovery_steps_total{result}`.
    public var outcome: StepOutcome
    /// A short line: `exit 1 after 0.4 s`, `503 twice`.
    public var summary: String
    /// The last bytes a command wrote; nil for a webhook.
    public var output: String?

    /// A report as given.
    public init(outcome: StepOutcome, summary: String, output: String? = nil) {
        self.outcome = outcome
        self.summary = summary
        self.output = output
    }

    /// The report of a step's result.
    public init(_ result: some StepResult) {
        self.init(outcome: result.outcome, summary: result.summary)
        if let command = result as? CommandResult { output = command.output.text }
    }
}

/// Carries out one expanded step: what the ladder runner calls, off its own lock, for each step it starts.
public protocol RecoveryStepExecutor: Sendable {
    /// Runs the step's command or calls its webhook (with `body`), within the step's timeout.
    func carryOut(_ step: RecoveryPlan.Step, body: RecoveryWebhookBody) async -> StepReport
}

/// The executor of a running exporter: commands through ``CommandRunner`` (argument vector, no shell, on a
/// thread of their own), webhooks through ``RecoveryWebhookSender`` with the receivers' transport and retry rules.
public struct LiveStepExecutor: RecoveryStepExecutor {
    private let commands: CommandRunner
    private let webhooks: RecoveryWebhookSender

    /// An executor sending webhooks through `transport`, timing them on `clock`.
    public init(
        transport: any HTTPTransport, clock: any WallClock,
        retryDelay: @escaping @Sendable (PrometheusDuration) async -> Void = DeliveryQueue.realSleep,
        commands: CommandRunner = CommandRunner()
    ) {
        self.commands = commands
        webhooks = RecoveryWebhookSender(transport: transport, clock: clock, retryDelay: retryDelay)
    }

    public func carryOut(_ step: RecoveryPlan.Step, body: RecoveryWebhookBody) async -> StepReport {
        switch step.action {
        case .command(let arguments, let environment):
            return StepReport(await commands.run(arguments, environment: environment, timeout: step.timeout))
        case .webhook(let address):
            guard let url = URL(string: address) else {
                return StepReport(outcome: .failure, summary: "cannot send: the webhook URL does not parse")
            }
            return StepReport(await webhooks.send(body, to: url, timeout: step.timeout))
        }
    }
}
