import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Options every client command shares: where the exporter is, and the token to present.
struct ClientOptions: ParsableArguments {
    @Option(help: "The exporter's URL (env HEARTBEAT_EXPORTER_URL).")
    var url: String = ProcessInfo.processInfo.environment["HEARTBEAT_EXPORTER_URL"] ?? "http://127.0.0.1:9747"

    @Option(
        name: .customLong("token-file"),
        help: "File with a bearer token to send (env HEARTBEAT_EXPORTER_TOKEN holds the token itself).")
    var tokenFile: String?

    func token() throws -> String? {
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw ValidationError("--token-file: cannot read \(tokenFile)")
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return ProcessInfo.processInfo.environment["HEARTBEAT_EXPORTER_TOKEN"]
    }

    /// Sends one request and returns the status and body; network failures become a clear error.
    func send(_ method: String, _ path: String, body: [UInt8]? = nil) async throws -> (status: Int, body: [UInt8]) {
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard let target = URL(string: trimmed + path) else { throw ValidationError("--url: not a URL: \(url)") }
        var request = URLRequest(url: target, timeoutInterval: 10)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token = try token() { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, Array(data))
        } catch {
            throw ClientError("cannot reach \(trimmed): \(error.localizedDescription)")
        }
    }
}

/// A client command failed; the message is printed and the exit status is 1.
struct ClientError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
