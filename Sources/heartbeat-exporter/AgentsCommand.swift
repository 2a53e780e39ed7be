import ArgumentParser
import Foundation
import JSON
import Model

/// `heartbeat-exporter agents`: the fleet as a table with a summary line, or as JSON.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agents", abstract: "List the fleet and its health.")

    @OptionGroup var client: ClientOptions

    @Option(
        help:
            "Only agents in this state (healthy, degraded, unreachable, missing, recovering, maintenance, killed, stopped)."
    )
    var state: String?

    @Flag(help: "Print the API's JSON instead of a table.")
    var json = false

    func run() async throws {
        do {
            let query =
                state.map { "?state=\($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0)" } ?? ""
            let reply = try await client.send("GET", "/api/v1/agents" + query)
            let data = try APIEnvelope.data(status: reply.status, body: reply.body)
            if json {
                var writer = JSONWriter()
                writer.value(data)
                print(String(decoding: writer.bytes, as: UTF8.self))
            } else {
                print(AgentTable.render(data), terminator: "")
            }
        } catch {
            throw failClient(error)
        }
    }
}

/// The text form of `agents`: aligned columns in the natural order of names (`w-2` before `w-10`), then
/// `Summary: 2 healthy, 1 degraded, …`.
enum AgentTable {
    static func render(_ data: JSONValue) -> String {
        let header = ["AGENT", "TYPE", "STATE", "LAST SEEN", "CURRENT TASK"]
        let agents = (data["agents"]?.arrayValue ?? []).sorted {
            NaturalOrder.precedes($0["agent"]?.stringValue ?? "", $1["agent"]?.stringValue ?? "")
        }
        let rows = agents.map { agent in
            [
                agent["agent"]?.stringValue ?? "",
                agent["agent_type"]?.stringValue ?? "-",
                state(agent),
                age(agent["last_heartbeat_age_seconds"]?.numberValue),
                agent["current_task"]?.stringValue ?? "",
            ]
        }
        return TextTable.render(header: header, rows: rows) + summary(data["summary"]) + "\n"
    }

    static func summary(_ counts: JSONValue?) -> String {
        let count = { (state: String) in Int(counts?[state]?.numberValue ?? 0) }
        var parts = ["healthy", "degraded", "unreachable"].map { "\(count($0)) \($0)" }
        if count("missing") > 0 { parts.append("\(count("missing")) missing") }
        if count("recovering") > 0 { parts.append("\(count("recovering")) recovering") }
        if count("maintenance") > 0 { parts.append("\(count("maintenance")) maintenance") }
        parts.append("\(count("killed")) killed")
        if count("stopped") > 0 { parts.append("\(count("stopped")) stopped") }
        return "Summary: " + parts.joined(separator: ", ")
    }

    /// The state, with the ladder's step while recovering: `recovering (restart)`.
    static func state(_ agent: JSONValue) -> String {
        let state = agent["state"]?.stringValue ?? ""
        guard state == "recovering", let step = agent["recovery"]?["step"]?.stringValue else { return state }
        return "\(state) (\(step))"
    }

    /// "12s ago", "3m ago", "2h ago", "4d ago".
    static func age(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        let whole = Int(seconds)
        switch whole {
        case ..<60: return "\(whole)s ago"
        case ..<3_600: return "\(whole / 60)m ago"
        case ..<86_400: return "\(whole / 3_600)h ago"
        default: return "\(whole / 86_400)d ago"
        }
    }
}
