import ArgumentParser
import Server

/// The `heartbeat-exporter` command: `serve` by default, plus client and tooling subcommands.
@main
struct HeartbeatExporter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat-exporter",
        abstract: "Receives agent heartbeats, exposes fleet health to Prometheus, evaluates alert rules.",
        version: Exporter.version,
        subcommands: [
            ServeCommand.self, AgentsCommand.self, KillCommand.self, ResumeCommand.self, DeleteCommand.self,
            BeatCommand.self, RunCommand.self, AlertsCommand.self, AckCommand.self, SilenceCommand.self,
            ConfigCommand.self,
            PromQLCommand.self, QueryCommand.self, MaintenanceCommand.self,
            RulesCommand.self, RecoveryCommand.self, WebCommand.self, DemoCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
