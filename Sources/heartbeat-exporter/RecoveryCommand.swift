import ArgumentParser
import Foundation
import JSON
import Model
import Recovery
import Server

/// `heartbeat-exporter recovery plan AGENT`: which recovery ladder applies to an agent and exactly what it would
/// run, without running anything.
struct RecoveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery", abstract: "Recovery ladder tools.", subcommands: [Plan.self])

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the recovery ladder that applies to an agent and the exact commands it would run.",
            discussion: "Reads the configuration file's `recovery:` section, asks the exporter for the agent's "
                + "labels (GET /api/v1/agents/AGENT) and expands each step's command as the exporter would: the "
                + "argument vector, one quoted element per argument, and the environment (PATH is this command's "
                + "own). Nothing is run.")

        @OptionGroup var client: ClientOptions

        @Option(
            name: .customLong("config.file"),
            help: "Configuration file with the ladders (default heartbeat-exporter.yml; none when it does not exist).")
        var configFile: String?

        @Argument(help: "The agent's name.") var agent: String

        func run() async throws {
            do {
                let config = try ExporterConfig.load(
                    path: configFile ?? "heartbeat-exporter.yml", mustExist: configFile != nil)
                let labels = try await agentLabels()
                let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
                let plan = try RecoveryPlan.make(labels: labels, ladders: config.recoveryLadders, searchPath: path)
                // Every value is quoted with its controls escaped already; escaping each line again costs nothing.
                let lines = RecoveryPlanText.render(plan, agent: agent).split(
                    separator: "\n", omittingEmptySubsequences: false)
                print(lines.map { TerminalText.escaped(String($0)) }.joined(separator: "\n"), terminator: "")
            } catch {
                throw failClient(error)
            }
        }

        /// The agent's labels from the running exporter; an unknown agent is an error.
        private func agentLabels() async throws -> Labels {
            let name = agent.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? agent
            let reply = try await client.send("GET", "/api/v1/agents/\(name)")
            if reply.status == 404 {
                throw ClientError("agent \(GoFormat.quote(agent)) is unknown to the exporter at \(client.url)")
            }
            let data = try APIEnvelope.data(status: reply.status, body: reply.body)
            var own: [(name: String, value: String)] = []
            if case .object(let labels)? = data["labels"] {
                for (name, value) in labels.members { own.append((name, value.stringValue ?? "")) }
            }
            return RecoveryPlan.agentLabels(
                agent: data["agent"]?.stringValue ?? agent, agentType: data["agent_type"]?.stringValue,
                host: data["host"]?.stringValue, own: own)
        }
    }
}
