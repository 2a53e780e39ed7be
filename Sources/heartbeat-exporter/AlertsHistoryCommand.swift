import Alerting
import ArgumentParser
import Foundation
import JSON
import Model

extension AlertsCommand {
    /// `alerts history [--since 24h] [MATCHER…]`: past and open alert episodes, newest first, with the time each
    /// spent in each phase; `--notifications` lists the delivery attempts instead.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List alert episodes (or, with --notifications, delivery attempts), newest first.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Matchers such as agent=order-7 or alertname=~\"Agent.*\"; all must match.")
        var matchers: [String] = []
        @Option(help: "How far back: a duration before now (24h), RFC 3339 or Unix seconds.") var since = "24h"
        @Option(help: "Until when (RFC 3339, Unix seconds or a duration before now); default now.") var until: String?
        @Option(help: "At most this many (1 to 1000).") var limit = 100
        @Flag(help: "List notification attempts (matched by their group's labels) instead of episodes.")
        var notifications = false
        @Flag(help: "Print the API's JSON instead of a table.") var json = false

        func run() async throws {
            do {
                for text in matchers { _ = try MatcherParser.parse(text) }
                let path = notifications ? "/api/v1/notifications" : "/api/v1/alerts/history"
                let reply = try await client.send("GET", path + "?" + queryString)
                let data = try APIEnvelope.data(status: reply.status, body: reply.body)
                if json {
                    print(String(decoding: reply.body, as: UTF8.self), terminator: "")
                } else if notifications {
                    print(Self.attemptTable(data["notifications"]?.arrayValue ?? []), terminator: "")
                } else {
                    print(Self.episodeTable(data["episodes"]?.arrayValue ?? []), terminator: "")
                }
            } catch {
                throw failClient(error)
            }
        }

        /// The query string: since, until, limit and one `match[]` holding every matcher.
        var queryString: String {
            var items = [("since", since), ("limit", String(limit))]
            if let until { items.append(("until", until)) }
            if !matchers.isEmpty { items.append(("match[]", "{" + matchers.joined(separator: ",") + "}")) }
            var allowed = CharacterSet.urlQueryAllowed
            allowed.remove(charactersIn: "&=+{}\"[],;?#")
            return items.map { name, value in
                (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name) + "="
                    + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
            }.joined(separator: "&")
        }

        static func episodeTable(_ episodes: [JSONValue]) -> String {
            let rows = episodes.map { episode -> [String] in
                let labels = episode["labels"]?.objectValue
                let times = episode["secondsIn"]
                let spans: [String] = [
                    "pending", "firing", "silenced", "inhibited", "acknowledged", "killed", "maintenance", "dependency",
                ].map { duration(times?[$0]?.numberValue) }
                let peak: String = episode["peakValue"]?.numberValue.map(GoFloat.shortest) ?? "-"
                var row: [String] = [episode["startsAt"]?.stringValue ?? ""]
                row.append(labels?["alertname"]?.stringValue ?? "")
                row.append(labels?["agent"]?.stringValue ?? "-")
                row.append(episode["state"]?.stringValue ?? "")
                row.append(episode["resolvedAt"]?.stringValue ?? "-")
                row.append(duration(episode["durationSeconds"]?.numberValue))
                return row + spans + [peak]
            }
            return TextTable.render(
                header: [
                    "STARTED", "ALERT", "AGENT", "STATE", "RESOLVED", "DURATION", "PENDING", "FIRING", "SILENCED",
                    "INHIBITED", "ACKED", "KILLED", "MAINTENANCE", "DEPENDENCY", "PEAK",
                ], rows: rows)
        }

        static func attemptTable(_ attempts: [JSONValue]) -> String {
            let rows = attempts.map { attempt -> [String] in
                [
                    attempt["time"]?.stringValue ?? "", attempt["receiver"]?.stringValue ?? "",
                    attempt["groupKey"]?.stringValue ?? "", attempt["status"]?.stringValue ?? "",
                    attempt["result"]?.stringValue ?? "", attempt["attempt"]?.numberValue.map { String(Int($0)) } ?? "",
                    attempt["error"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "-",
                ]
            }
            return TextTable.render(
                header: ["TIME", "RECEIVER", "GROUP", "STATUS", "RESULT", "ATTEMPT", "ERROR"], rows: rows)
        }

        /// Seconds as Prometheus writes a duration (`1h2m3s`), to the second.
        static func duration(_ seconds: Double?) -> String {
            guard let seconds, seconds.isFinite else { return "-" }
            return PrometheusDuration(milliseconds: Int64(seconds.rounded()) * 1000).description
        }
    }
}
