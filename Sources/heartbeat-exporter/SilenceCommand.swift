import Alerting
import ArgumentParser
import Foundation
import JSON
import Model

/// `heartbeat-exporter silence add|query|expire`, against the exporter's Alertmanager API v2 (as `amtool`).
struct SilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence", abstract: "Add, list and expire silences.",
        subcommands: [Add.self, Query.self, Expire.self])

    /// `silence add agent=order-7 --comment "…" [--duration 2h]`: prints the new silence's ID.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Silence the alerts matching all matchers.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Matchers such as agent=order-7 or alertname=~\"Agent.*\".") var matchers: [String]
        @Option(help: "Why (required).") var comment: String
        @Option(help: "How long, as a Prometheus duration.") var duration = "1h"
        @Option(help: "Who (default: $USER).") var author: String?

        func run() async throws {
            do {
                let parsed = try matchers.map { text throws(MatcherError) in try MatcherParser.parse(text) }
                let length = try PrometheusDuration(parsing: duration)
                let now = SystemClock().now()
                let silence = Silence(
                    matchers: parsed, startsAt: now, endsAt: now + length,
                    createdBy: author ?? ProcessInfo.processInfo.environment["USER"] ?? "cli",
                    comment: comment)
                var writer = JSONWriter()
                APIv2Encoding.writeSilence(silence, at: now, into: &writer)
                let reply = try await client.send("POST", "/api/v2/silences", body: writer.bytes)
                let id = try SilenceReply.json(reply)["silenceID"]?.stringValue ?? ""
                print(TerminalText.escaped(id))
            } catch {
                throw failClient(error)
            }
        }
    }

    /// `silence query [matcher…] [--expired]`.
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List active and pending silences.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Only silences having these matchers.") var matchers: [String] = []
        @Flag(help: "List expired silences instead.") var expired = false

        func run() async throws {
            do {
                let filters = matchers.map {
                    "filter=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)
                }
                let query = filters.isEmpty ? "" : "?" + filters.joined(separator: "&")
                let reply = try await client.send("GET", "/api/v2/silences" + query)
                let silences = (try SilenceReply.json(reply).arrayValue ?? []).filter { silence in
                    (silence["status"]?["state"]?.stringValue == "expired") == expired
                }
                print(Self.table(silences), terminator: "")
            } catch {
                throw failClient(error)
            }
        }

        static func table(_ silences: [JSONValue]) -> String {
            let rows = silences.map { silence -> [String] in
                [
                    silence["id"]?.stringValue ?? "", matcherText(silence["matchers"]?.arrayValue ?? []),
                    silence["endsAt"]?.stringValue ?? "", silence["createdBy"]?.stringValue ?? "",
                    silence["comment"]?.stringValue ?? "",
                ]
            }
            return TextTable.render(header: ["ID", "MATCHERS", "ENDS AT", "CREATED BY", "COMMENT"], rows: rows)
        }

        /// API v2 matchers as amtool prints them: `agent="order-7" alertname=~"Agent.*"`.
        static func matcherText(_ matchers: [JSONValue]) -> String {
            matchers.map { matcher in
                let regex = matcher["isRegex"]?.boolValue == true, equal = matcher["isEqual"]?.boolValue ?? true
                let op = regex ? (equal ? "=~" : "!~") : (equal ? "=" : "!=")
                return (matcher["name"]?.stringValue ?? "") + op + "\"" + (matcher["value"]?.stringValue ?? "") + "\""
            }.joined(separator: " ")
        }
    }

    /// `silence expire ID…`.
    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Expire silences now.")

        @OptionGroup var client: ClientOptions
        @Argument(help: "Silence IDs.") var ids: [String]

        func run() async throws {
            do {
                for id in ids {
                    let reply = try await client.send("DELETE", "/api/v2/silence/\(id)")
                    guard reply.status == 200 else {
                        throw ClientError(reply.status == 404 ? "silence \(id) not found" : SilenceReply.message(reply))
                    }
                }
            } catch {
                throw failClient(error)
            }
        }
    }
}

/// Reads the API v2's replies: JSON on 200, a JSON string naming the problem otherwise.
enum SilenceReply {
    static func json(_ reply: (status: Int, body: [UInt8])) throws -> JSONValue {
        guard reply.status == 200, let value = try? JSONParser.parse(reply.body) else {
            throw ClientError(message(reply))
        }
        return value
    }

    static func message(_ reply: (status: Int, body: [UInt8])) -> String {
        let text =
            (try? JSONParser.parse(reply.body))?.stringValue ?? String(decoding: reply.body.prefix(200), as: UTF8.self)
        return "HTTP \(reply.status): \(text)"
    }
}
