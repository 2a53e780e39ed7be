import Foundation
import HeartbeatClient
import JSON
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A reply as a test sees it.
struct TestReply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON (`.null` when it is not JSON).
    var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }

    /// `data` of a success envelope, or `error` of an error envelope, as JSON.
    var data: JSONValue { json.objectValue?["data"] ?? .null }
    var errorMessage: String { json.objectValue?["error"]?.stringValue ?? "" }
}

/// Plain HTTP requests against a server on loopback, through URLSession.
struct HTTPTestClient: Sendable {
    let baseURL: String

    func request(
        _ method: String, _ path: String, body: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> TestReply {
        guard let url = URL(string: baseURL + path) else { throw TestFailure("bad URL \(baseURL + path)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            // The exporter's bodies are JSON; a test that sends another type says so in `headers`.
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.cancellableData(for: request)
        guard let http = response as? HTTPURLResponse else { throw TestFailure("not an HTTP response") }
        var headerMap: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headerMap[name.lowercased()] = value }
        }
        return TestReply(status: http.statusCode, headers: headerMap, body: Array(data))
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> TestReply {
        try await request("GET", path, headers: headers)
    }

    func post(_ path: String, _ body: String = "", headers: [String: String] = [:]) async throws -> TestReply {
        try await request("POST", path, body: body, headers: headers)
    }

    /// A heartbeat body for `agent`.
    static func beat(_ agent: String, run: String? = nil, seq: Int? = nil, extra: String = "") -> String {
        var fields = ["\"agent\": \"\(agent)\""]
        if let run { fields.append("\"run_id\": \"\(run)\"") }
        if let seq { fields.append("\"seq\": \(seq)") }
        if !extra.isEmpty { fields.append(extra) }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}

/// Reads one sample's value out of a text exposition, matching the series text exactly.
func sampleValue(_ exposition: String, _ series: String) -> Double? {
    for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}
