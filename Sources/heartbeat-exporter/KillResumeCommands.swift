import ArgumentParser
import Foundation
import JSON

/// `heartbeat-exporter kill AGENT`: an operator stops an agent on purpose and silences its alerts.
struct KillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill", abstract: "Kill an agent: its next heartbeat reply tells it to stop.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The agent's name.") var agent: String
    @Option(help: "Why, for the history.") var reason: String?
    @Option(help: "Who, for the history (default: $USER).") var by: String?

    func run() async throws {
        try await OperatorRequest(client: client, agent: agent, action: "kill", reason: reason, by: by).send()
    }
}

/// `heartbeat-exporter resume AGENT`: lifts a kill.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a killed agent.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The agent's name.") var agent: String
    @Option(help: "Why, for the history.") var reason: String?
    @Option(help: "Who, for the history (default: $USER).") var by: String?

    func run() async throws {
        try await OperatorRequest(client: client, agent: agent, action: "resume", reason: reason, by: by).send()
    }
}

/// The request behind `kill` and `resume`; prints `agent <name>: <state>`.
struct OperatorRequest {
    let client: ClientOptions
    let agent: String
    let action: String
    let reason: String?
    let by: String?

    func send() async throws {
        var writer = JSONWriter()
        writer.beginObject()
        if let reason {
            writer.key("reason")
            writer.string(reason)
        }
        writer.key("by")
        writer.string(by ?? ProcessInfo.processInfo.environment["USER"] ?? "cli")
        writer.endObject()
        let name = agent.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? agent
        do {
            let reply = try await client.send("POST", "/api/v1/agents/\(name)/\(action)", body: writer.bytes)
            let data = try APIEnvelope.data(status: reply.status, body: reply.body)
            print("agent \(agent): \(data["state"]?.stringValue ?? "?")")
        } catch {
            throw failClient(error)
        }
    }
}
