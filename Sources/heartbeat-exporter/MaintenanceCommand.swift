import ArgumentParser
import Foundation
import JSON

/// `heartbeat-exporter maintenance AGENT|MATCHERS --for 2h --reason TEXT`: puts one agent, or every agent the
/// matchers select (`'team=payments'`, `'{agent_type="batch",host=~"gpu-.*"}'`), in maintenance; `--end` ends an
/// agent's window early. Matchers that select no agent fail (`error: no agent matches …`, exit 1), as an unknown
/// agent's name does.
struct MaintenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract: "Put agents in maintenance: no degraded or unreachable state, no alerts, until the window ends.",
        discussion: """
            The target is an agent's name, or matchers in Alertmanager's syntax (anything with =, !=, =~ or !~) over \
            the labels agent, agent_type, host and the agent's own; matchers cover the agents known now. When the \
            window ends, the agents' thresholds count from its end.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "An agent's name, or matchers such as 'team=payments'.") var target: String
    @Option(name: .customLong("for"), help: "How long, as a Prometheus duration (2h, 90m); at most 1w.")
    var duration: String?
    @Option(help: "When the window ends, as an RFC 3339 time (2026-12-06T22:00:00Z).") var until: String?
    @Flag(help: "End the agent's open window now instead.") var end = false
    @Option(help: "Why, for the history.") var reason: String?
    @Option(help: "Who, for the history (default: $USER).") var by: String?

    /// Whether the target is matchers rather than an agent's name (names never hold these characters).
    var isMatchers: Bool { target.contains(where: { "={}!~".contains($0) }) }

    func validate() throws {
        if end {
            guard duration == nil, until == nil else { throw ValidationError("--end takes neither --for nor --until") }
            guard !isMatchers else { throw ValidationError("--end takes an agent's name, not matchers") }
            return
        }
        guard (duration == nil) != (until == nil) else { throw ValidationError("give either --for or --until") }
    }

    func run() async throws {
        do {
            let reply = try await client.send(method, path, body: body())
            let data = try APIEnvelope.data(status: reply.status, body: reply.body)
            if isMatchers, data["agents"]?.arrayValue?.isEmpty ?? true {
                // As for an unknown agent's name: nothing was put in maintenance, so the command failed.
                throw ClientError("no agent matches \(target)")
            }
            print(TerminalText.escaped(Self.describe(data, matchers: isMatchers ? target : nil)))
        } catch {
            throw failClient(error)
        }
    }

    private var method: String { end ? "DELETE" : "POST" }

    private var path: String {
        if isMatchers { return "/api/v1/maintenance" }
        let name = target.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? target
        return "/api/v1/agents/\(name)/maintenance"
    }

    private func body() -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        if isMatchers {
            writer.key("matchers")
            writer.string(target)
        }
        if let duration {
            writer.key("duration")
            writer.string(duration)
        }
        if let until {
            writer.key("until")
            writer.string(until)
        }
        if let reason {
            writer.key("reason")
            writer.string(reason)
        }
        writer.key("by")
        writer.string(by ?? ProcessInfo.processInfo.environment["USER"] ?? "cli")
        writer.endObject()
        return writer.bytes
    }

    /// `agent a: maintenance until …`, or `2 agents in maintenance until …: a, b` for matchers (at least one: none
    /// matched is an error).
    static func describe(_ data: JSONValue, matchers: String?) -> String {
        guard matchers != nil else {
            let name = data["agent"]?.stringValue ?? "?", state = data["state"]?.stringValue ?? "?"
            guard state == "maintenance", let until = data["maintenance"]?["until"]?.stringValue else {
                return "agent \(name): \(state)"
            }
            return "agent \(name): maintenance until \(until)"
        }
        let names = (data["agents"]?.arrayValue ?? []).compactMap(\.stringValue)
        let until = data["until"]?.stringValue ?? "?"
        return "\(names.count) agent\(names.count == 1 ? "" : "s") in maintenance until \(until): "
            + names.joined(separator: ", ")
    }
}
