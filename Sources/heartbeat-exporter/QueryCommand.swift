import ArgumentParser
import Foundation
import JSON

/// `heartbeat-exporter query EXPR`: a PromQL query through the exporter's `/api/v1/query` (or, with `--start`,
/// `--end` and `--step`, `/api/v1/query_range`), printed as a table.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a PromQL query on the exporter's live fleet and rule history, and print the result.",
        discussion: """
            Times are RFC 3339 (2026-12-06T18:00:00Z) or Unix seconds; the step is a duration (30s, 1m) or \
            seconds. Without --start/--end the query is an instant one, at --time or now.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "The PromQL expression.")
    var expression: String

    @Option(help: "Evaluation time of an instant query (default: now).")
    var time: String?

    @Option(help: "Start of a range query (with --end and --step).")
    var start: String?

    @Option(help: "End of a range query.")
    var end: String?

    @Option(help: "Step of a range query.")
    var step: String?

    @Flag(help: "Print the API's JSON instead of a table.")
    var json = false

    func validate() throws {
        let range = [start, end, step].compactMap { $0 }.count
        if range != 0, range != 3 { throw ValidationError("a range query needs all of --start, --end and --step") }
        if range == 3, time != nil { throw ValidationError("--time is for instant queries; not with --start") }
    }

    func run() async throws {
        do {
            let reply = try await client.send("GET", path)
            if json {
                print(String(decoding: reply.body, as: UTF8.self), terminator: "")
                return
            }
            let data = try APIEnvelope.data(status: reply.status, body: reply.body)
            print(Self.table(data), terminator: "")
        } catch {
            throw failClient(error)
        }
    }

    /// The request path with its parameters, percent-encoded.
    var path: String {
        var parameters = [("query", expression)]
        if let start, let end, let step {
            parameters += [("start", start), ("end", end), ("step", step)]
        } else if let time {
            parameters.append(("time", time))
        }
        let endpoint = start == nil ? "/api/v1/query" : "/api/v1/query_range"
        return endpoint + "?" + parameters.map { "\($0.0)=\(Self.encoded($0.1))" }.joined(separator: "&")
    }

    private static func encoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// A result as a table: one row per sample (a series with its labels, the time, the value).
    static func table(_ data: JSONValue) -> String {
        let result = data["result"]
        var rows: [[String]] = []
        switch data["resultType"]?.stringValue {
        case "vector":
            for sample in result?.arrayValue ?? [] {
                rows.append([
                    metric(sample["metric"]), time(sample["value"]?[0]), sample["value"]?[1]?.stringValue ?? "",
                ])
            }
        case "matrix":
            for series in result?.arrayValue ?? [] {
                for point in series["values"]?.arrayValue ?? [] {
                    rows.append([metric(series["metric"]), time(point[0]), point[1]?.stringValue ?? ""])
                }
            }
        default:
            rows.append(["", time(result?[0]), result?[1]?.stringValue ?? ""])
        }
        return TextTable.render(header: ["SERIES", "TIME", "VALUE"], rows: rows)
    }

    /// `name{label="value", …}`, as Prometheus prints a label set.
    static func metric(_ labels: JSONValue?) -> String {
        let members = labels?.objectValue?.members ?? []
        let name = members.first { $0.key == "__name__" }?.value.stringValue ?? ""
        let rest = members.filter { $0.key != "__name__" }.map { "\($0.key)=\"\($0.value.stringValue ?? "")\"" }
        return rest.isEmpty && !name.isEmpty ? name : name + "{" + rest.joined(separator: ", ") + "}"
    }

    /// A point's time (Unix seconds) in RFC 3339.
    static func time(_ value: JSONValue?) -> String {
        guard let seconds = value?.numberValue else { return "" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}

extension JSONValue {
    /// The element `index` of an array, else nil.
    fileprivate subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
