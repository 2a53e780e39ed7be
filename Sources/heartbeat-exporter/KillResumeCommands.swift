import ArgumentParser
import Foundation
import JSON

/// `heartbeat-exporter kill AGENT`: an operator stops an agent on purpose and silences its alerts.
struct KillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill", abstract: "Kill an agent: its next heartbeat reply tells it to stop.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: OperatorTarget

    func run() async throws {
        try await OperatorRequest(client: client, target: target, action: "kill").send()
    }
}

/// `heartbeat-exporter resume AGENT`: lifts a kill.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a killed agent.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var target: OperatorTarget

    func run() async throws {
        try await OperatorRequest(client: client, target: target, action: "resume").send()
    }
}

/// The agent an operator acts on, and the why and who recorded in its history.
struct OperatorTarget: ParsableArguments {
    @Argument(help: "The agent's name.") var agent: String
    @Option(help: "Why, for the history.") var reason: String?
    @Option(help: "Who, for the history (default: $USER).") var by: String?
}

/// The request behind `kill` and `resume`; prints `agent <name>: <state>`.
struct OperatorRequest {
    let client: ClientOptions
    let target: OperatorTarget
    let action: String

    private var agent: String { target.agent }

    func send() async throws {
        var writer = JSONWriter()
        writer.beginObject()
        if let reason = target.reason {
            writer.key("reason")
            writer.string(reason)
        }
        writer.key("by")
        writer.string(target.by ?? ProcessInfo.processInfo.environment["USER"] ?? "cli")
        writer.endObject()
        let name = agent.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? agent
        do {
            let reply = try await client.send("POST", "/api/v1/agents/\(name)/\(action)", body: writer.bytes)
            let data = try APIEnvelope.data(status: reply.status, body: reply.body)
            print(TerminalText.escaped("agent \(agent): \(data["state"]?.stringValue ?? "?")"))
        } catch {
            throw failClient(error)
        }
    }
}
