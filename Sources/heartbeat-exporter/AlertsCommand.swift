import Alerting
import ArgumentParser
import Foundation
import JSON
import Model

/// `heartbeat-exporter alerts [list]`: the alerts the exporter routes, with what suppresses them and who
/// acknowledged them; `alerts ack MATCHER…` acknowledges firing alerts.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "List firing alerts (what suppresses them, who acknowledged them); ack them.",
        subcommands: [List.self, Ack.self, History.self], defaultSubcommand: List.self)
}

extension AlertsCommand {
    /// `alerts ack agent=order-7 --comment "…"`: prints the acknowledgement's ID.
    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Acknowledge the firing alerts matching all matchers: no repeats until they resolve.")

        @OptionGroup var client: ClientOptions
        @OptionGroup var acknowledgement: AcknowledgeArguments

        func run() async throws {
            try await acknowledgement.send(client)
        }
    }

    /// `alerts [list] [--active] [--json]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List firing alerts, with the silences and kills that suppress them and who acknowledged them.")

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
                    throw ClientError(
                        "HTTP \(reply.status): \(String(decoding: reply.body.prefix(200), as: UTF8.self))")
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

        /// The alerts by name, then by agent in natural order (`w-2` before `w-10`).
        static func table(_ alerts: [JSONValue]) -> String {
            let key = { (alert: JSONValue) in
                (alert["labels"]?["alertname"]?.stringValue ?? "", alert["labels"]?["agent"]?.stringValue ?? "")
            }
            let ordered = alerts.sorted { lhs, rhs in
                let (left, right) = (key(lhs), key(rhs))
                return left.0 != right.0 ? left.0 < right.0 : NaturalOrder.precedes(left.1, right.1)
            }
            let rows = ordered.map { alert -> [String] in
                let labels = alert["labels"]?.objectValue
                let status = alert["status"]
                let reasons = ["silencedBy", "inhibitedBy"].flatMap { status?[$0]?.arrayValue ?? [] }.compactMap(
                    \.stringValue)
                let acknowledgement = status?["acknowledgedBy"]
                let acknowledged = acknowledgement.map { ack in
                    (ack["createdBy"]?.stringValue ?? "") + " " + (ack["createdAt"]?.stringValue ?? "")
                }
                return [
                    labels?["alertname"]?.stringValue ?? "", labels?["agent"]?.stringValue ?? "-",
                    status?["state"]?.stringValue ?? "", alert["startsAt"]?.stringValue ?? "",
                    reasons.isEmpty ? "-" : reasons.joined(separator: ","), acknowledged ?? "-",
                    alert["annotations"]?["summary"]?.stringValue ?? "",
                ]
            }
            return TextTable.render(
                header: ["ALERT", "AGENT", "STATE", "STARTS AT", "SUPPRESSED BY", "ACK", "SUMMARY"], rows: rows)
        }
    }
}
