import ArgumentParser
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// `heartbeat-exporter delete AGENT`: forgets an agent, its series and its history (admin). It cannot be
/// undone, so it asks first on a terminal; `--yes` skips the question, and scripts must pass it.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Forget an agent, its series and its history (cannot be undone).",
        discussion: "Asks for confirmation when standard input is a terminal. Without a terminal (scripts, pipes) "
            + "it refuses unless --yes is given. A forgotten agent that beats again comes back as a new agent.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The agent's name.") var agent: String
    @Flag(name: [.customShort("y"), .long], help: "Delete without asking.") var yes = false

    func run() async throws {
        let name = agent.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? agent
        let path = "/api/v1/agents/" + name
        do {
            if !yes {
                guard isatty(STDIN_FILENO) == 1 else {
                    throw ClientError(
                        "refusing to delete agent \"\(agent)\" without confirmation: standard input is not a "
                            + "terminal; pass --yes to delete it")
                }
                guard try await confirm(path) else {
                    throw ClientError("agent \"\(agent)\" was not deleted")
                }
            }
            let reply = try await client.send("DELETE", path)
            _ = try APIEnvelope.data(status: reply.status, body: reply.body)
            print("agent \(agent): deleted")
        } catch {
            throw failClient(error)
        }
    }

    /// Shows the agent's state and asks; true when the answer is yes. An unknown agent fails before the question.
    private func confirm(_ path: String) async throws -> Bool {
        let reply = try await client.send("GET", path)
        let data = try APIEnvelope.data(status: reply.status, body: reply.body)
        let state = data["state"]?.stringValue ?? "?"
        FileHandle.standardError.write(
            Data("Delete agent \"\(agent)\" (\(state)), its series and its history? This cannot be undone. [y/N] ".utf8)
        )
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }
}
