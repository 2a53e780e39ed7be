import ArgumentParser
import Foundation
import JSON

/// `heartbeat-exporter beat AGENT`: sends one heartbeat, optionally reporting one task (for scripts and cron).
struct BeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "beat", abstract: "Send one heartbeat.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The agent's name.") var agent: String
    @Option(name: .customLong("agent-type"), help: "The agent's type.") var agentType: String?
    @Option(
        name: .customLong("interval"),
        help: "Time between this agent's beats, as seconds or a duration such as 30s or 1d (scales its thresholds).")
    var interval: SecondsArgument?
    @Option(help: "A five-field cron expression of when the agent runs (judges it instead of the interval).")
    var schedule: String?
    @Option(help: "The schedule's time zone, from the system's tz database (default UTC).") var timezone: String?
    @Option(help: "How late a scheduled run may start, as seconds or a duration such as 1h (default 1h).")
    var grace: SecondsArgument?
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
        if schedule == nil, timezone != nil || grace != nil {
            throw ValidationError("--timezone and --grace describe a schedule: add --schedule")
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
        if let interval {
            writer.key("interval_seconds")
            writer.number(interval.seconds)
        }
        if let schedule { writeSchedule(schedule, into: &writer) }
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

    private func writeSchedule(_ cron: String, into writer: inout JSONWriter) {
        Self.writeSchedule(cron: cron, timezone: timezone, grace: grace?.seconds, into: &writer)
    }

    /// The beat's `schedule` member (`"schedule": {"cron", "timezone"?, "grace_seconds"?}`), as `beat` and `run`
    /// send it.
    static func writeSchedule(cron: String, timezone: String?, grace: Double?, into writer: inout JSONWriter) {
        writer.key("schedule")
        writer.beginObject()
        writer.key("cron")
        writer.string(cron)
        if let timezone {
            writer.key("timezone")
            writer.string(timezone)
        }
        if let grace {
            writer.key("grace_seconds")
            writer.number(grace)
        }
        writer.endObject()
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
