import ArgumentParser
import Foundation
import JSON

/// `heartbeat-exporter beat AGENT`: sends one heartbeat, optionally reporting one task (for scripts and cron).
struct BeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "beat", abstract: "Send one heartbeat.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The agent's name.") var agent: String
    @Option(name: .customLong("agent-type"), help: "The agent's type.") var agentType: String?
    @Option(name: .customLong("interval"), help: "Seconds between this agent's beats (scales its thresholds).")
    var intervalSeconds: Double?
    @Flag(help: "Report one finished task and its outcome.") var outcome: TaskOutcome?
    @Option(name: .customLong("latency-ms"), help: "The task's latency in milliseconds.") var latencyMs: Double?
    @Option(name: .customLong("cost-usd"), help: "The task's cost in US dollars.") var costUSD: Double?
    @Option(help: "The task's tokens.") var tokens: Double?

    enum TaskOutcome: String, EnumerableFlag {
        case success, failure
    }

    func validate() throws {
        if outcome == nil, latencyMs != nil || costUSD != nil || tokens != nil {
            throw ValidationError("--latency-ms, --cost-usd and --tokens describe a task: add --success or --failure")
        }
    }

    var body: [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("agent")
        writer.string(agent)
        if let agentType {
            writer.key("agent_type")
            writer.string(agentType)
        }
        if let intervalSeconds {
            writer.key("interval_seconds")
            writer.number(intervalSeconds)
        }
        if let outcome {
            writer.key("tasks")
            writer.beginArray()
            writer.beginObject()
            writer.key("success")
            writer.bool(outcome == .success)
            for (key, value) in [("latency_ms", latencyMs), ("cost_usd", costUSD), ("tokens", tokens)] {
                guard let value else { continue }
                writer.key(key)
                writer.number(value)
            }
            writer.endObject()
            writer.endArray()
        }
        writer.endObject()
        return writer.bytes
    }

    func run() async throws {
        do {
            let reply = try await client.send("POST", "/api/v1/heartbeat", body: body)
            let data = try APIEnvelope.data(status: reply.status, body: reply.body)
            var line = "agent \(agent): \(data["state"]?.stringValue ?? "?")"
            if case .bool(true)? = data["killed"] { line += " (killed: the agent should stop)" }
            print(TerminalText.escaped(line))
        } catch {
            throw failClient(error)
        }
    }
}
