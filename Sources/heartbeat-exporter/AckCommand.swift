import Alerting
import ArgumentParser
import Foundation
import JSON
import Model

/// `heartbeat-exporter ack [query]|add|delete`: acknowledgements through `/api/v1/alerts/acknowledgements`, shaped
/// as amtool's `silence` commands (`query` by default, `-o simple|extended|json`, `-q` for the IDs alone).
struct AckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack", abstract: "Acknowledge firing alerts; list and delete acknowledgements.",
        subcommands: [Query.self, Add.self, Delete.self], defaultSubcommand: Query.self)

    /// `ack add agent=order-7 --comment "…"`: prints the acknowledgement's ID (as `alerts ack`).
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Acknowledge the firing alerts matching all matchers: no repeats until they resolve.")

        @OptionGroup var client: ClientOptions
        @OptionGroup var acknowledgement: AcknowledgeArguments

        func run() async throws {
            try await acknowledgement.send(client)
        }
    }

    /// How `ack query` prints: amtool's `--output` formats.
    enum Output: String, ExpressibleByArgument, CaseIterable {
        case simple, extended, json
    }

    /// `ack query [matcher…] [-o simple|extended|json] [-q]`.
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the acknowledgements in force, oldest first.", aliases: ["list"])

        @OptionGroup var client: ClientOptions
        @Argument(help: "Only acknowledgements whose equality matchers satisfy all of these (as amtool's filter).")
        var matchers: [String] = []
        @Option(name: [.customShort("o"), .long], help: "Output format: simple, extended or json.")
        var output: Output = .simple
        @Flag(name: [.customShort("q"), .long], help: "Print the IDs alone.") var quiet = false

        func run() async throws {
            do {
                let filters = try matchers.map { text throws(MatcherError) in try MatcherParser.parse(text) }
                let reply = try await client.send("GET", "/api/v1/alerts/acknowledgements")
                let listed = try APIEnvelope.data(status: reply.status, body: reply.body).arrayValue ?? []
                let kept = listed.filter { Self.matches($0, filters) }
                if quiet {
                    for item in kept { print(TerminalText.escaped(item["id"]?.stringValue ?? "")) }
                    return
                }
                switch output {
                case .json:
                    var writer = JSONWriter()
                    writer.value(.array(kept))
                    print(String(decoding: writer.bytes, as: UTF8.self))
                case .simple, .extended: print(Self.table(kept, extended: output == .extended), terminator: "")
                }
            } catch {
                throw failClient(error)
            }
        }

        /// Whether the labels an acknowledgement's equality matchers name satisfy every one of `filters` (amtool's
        /// `silence query` filter).
        static func matches(_ acknowledgement: JSONValue, _ filters: [LabelMatcher]) -> Bool {
            guard !filters.isEmpty else { return true }
            var labels = Labels.empty
            for matcher in acknowledgement["matchers"]?.arrayValue ?? []
            where matcher["isRegex"]?.boolValue != true && matcher["isEqual"]?.boolValue != false {
                labels = labels.setting(matcher["name"]?.stringValue ?? "", to: matcher["value"]?.stringValue ?? "")
            }
            return filters.allSatisfy { $0.matches(labels) }
        }

        static func table(_ acknowledgements: [JSONValue], extended: Bool) -> String {
            let rows = acknowledgements.map { item -> [String] in
                let matchers = SilenceCommand.Query.matcherText(item["matchers"]?.arrayValue ?? [])
                let endsAt = item["endsAt"]?.stringValue ?? "when resolved"
                let alerts = String(Int(item["alerts"]?.numberValue ?? 0))
                let base = [item["id"]?.stringValue ?? "", matchers]
                let who = [item["createdBy"]?.stringValue ?? "", item["comment"]?.stringValue ?? ""]
                guard extended else { return base + [endsAt] + who }
                return base + [alerts, item["createdAt"]?.stringValue ?? "", endsAt] + who
            }
            let header =
                extended
                ? ["ID", "MATCHERS", "ALERTS", "CREATED AT", "ENDS AT", "CREATED BY", "COMMENT"]
                : ["ID", "MATCHERS", "ENDS AT", "CREATED BY", "COMMENT"]
            return TextTable.render(header: header, rows: rows)
        }
    }

    /// `ack delete ID…`: the alerts are repeated at their `repeat_interval` again.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete acknowledgements: their alerts are repeated again.", aliases: ["expire", "rm"])

        @OptionGroup var client: ClientOptions
        @Argument(help: "Acknowledgement IDs.") var ids: [String]

        func run() async throws {
            do {
                for id in ids {
                    let path = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id
                    let reply = try await client.send("DELETE", "/api/v1/alerts/acknowledgements/" + path)
                    _ = try APIEnvelope.data(status: reply.status, body: reply.body)
                }
            } catch {
                throw failClient(error)
            }
        }
    }
}

/// What an acknowledgement is made of on the command line (`alerts ack` and `ack add`), and its request.
struct AcknowledgeArguments: ParsableArguments {
    @Argument(help: "Matchers such as agent=order-7 or alertname=~\"Agent.*\".") var matchers: [String]
    @Option(help: "What is being done (required).") var comment: String
    @Option(help: "Who (default: $USER).") var author: String?
    @Option(help: "End the acknowledgement after this long even if the alerts still fire (a Prometheus duration).")
    var duration: String?

    /// Posts the acknowledgement; prints `<id> (N firing alerts acknowledged)`.
    func send(_ client: ClientOptions) async throws {
        do {
            let parsed = try matchers.map { text throws(MatcherError) in try MatcherParser.parse(text) }
            var endsAt: Timestamp?
            if let duration { endsAt = SystemClock().now() + (try PrometheusDuration(parsing: duration)) }
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("matchers")
            writer.beginArray()
            for matcher in parsed { APIv2Encoding.writeMatcher(matcher, into: &writer) }
            writer.endArray()
            writer.key("createdBy")
            writer.string(author ?? ProcessInfo.processInfo.environment["USER"] ?? "cli")
            writer.key("comment")
            writer.string(comment)
            if let endsAt {
                writer.key("endsAt")
                writer.string(endsAt.rfc3339)
            }
            writer.endObject()
            let reply = try await client.send("POST", "/api/v1/alerts/acknowledgements", body: writer.bytes)
            let data = try APIEnvelope.data(status: reply.status, body: reply.body)
            let count = Int(data["alerts"]?.numberValue ?? 0)
            print(
                TerminalText.escaped(data["id"]?.stringValue ?? "")
                    + " (\(count) firing alert\(count == 1 ? "" : "s") acknowledged)")
        } catch {
            throw failClient(error)
        }
    }
}
