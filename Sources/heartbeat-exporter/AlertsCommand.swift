import ArgumentParser
import Foundation
import JSON

/// `heartbeat-exporter alerts`: the alerts the exporter routes, with what suppresses them.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "List firing alerts, with the silences and kills that suppress them.")

    @OptionGroup var client: ClientOptions

    @Flag(help: "Only alerts nothing suppresses.")
    var active = false

    @Flag(help: "Print the API's JSON instead of a table.")
    var json = false

    func run() async throws {
        do {
            let query = active ? "?silenced=false&inhibited=false" : ""
            let reply = try await client.send("GET", "/api/v2/alerts" + query)
            guard reply.status == 200, let alerts = try? JSONParser.parse(reply.body) else {
                throw ClientError("HTTP \(reply.status): \(String(decoding: reply.body.prefix(200), as: UTF8.self))")
            }
            if json {
                print(String(decoding: reply.body, as: UTF8.self), terminator: "")
            } else {
                print(Self.table(alerts.arrayValue ?? []), terminator: "")
            }
        } catch {
            throw failClient(error)
        }
    }

    static func table(_ alerts: [JSONValue]) -> String {
        let rows = alerts.map { alert -> [String] in
            let labels = alert["labels"]?.objectValue
            let status = alert["status"]
            let reasons = ["silencedBy", "inhibitedBy"].flatMap { status?[$0]?.arrayValue ?? [] }.compactMap(
                \.stringValue)
            return [
                labels?["alertname"]?.stringValue ?? "", labels?["agent"]?.stringValue ?? "-",
                status?["state"]?.stringValue ?? "", alert["startsAt"]?.stringValue ?? "",
                reasons.isEmpty ? "-" : reasons.joined(separator: ","),
                alert["annotations"]?["summary"]?.stringValue ?? "",
            ]
        }
        return TextTable.render(
            header: ["ALERT", "AGENT", "STATE", "STARTS AT", "SUPPRESSED BY", "SUMMARY"], rows: rows)
    }
}
