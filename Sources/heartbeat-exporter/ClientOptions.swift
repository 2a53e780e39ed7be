import ArgumentParser
import Foundation
import HeartbeatClient

/// Options every client command shares: where the exporter is, the token to present, and what an exporter
/// serving with a `--web.config.file` asks for (its CA, a client certificate, basic auth).
struct ClientOptions: ParsableArguments {
    @Option(help: "The exporter's URL (env HEARTBEAT_EXPORTER_URL).")
    var url: String = ProcessInfo.processInfo.environment["HEARTBEAT_EXPORTER_URL"] ?? "http://127.0.0.1:9747"

    @Option(
        name: .customLong("token-file"),
        help: "File with a bearer token to send (env HEARTBEAT_EXPORTER_TOKEN holds the token itself).")
    var tokenFile: String?

    @Option(
        name: .customLong("tls.ca-file"),
        help: "PEM file of the CA that signed the exporter's certificate, for an https --url (else the system's CAs).")
    var caFile: String?

    @Option(name: .customLong("tls.cert-file"), help: "Client certificate (PEM), when the exporter asks for one.")
    var certFile: String?

    @Option(name: .customLong("tls.key-file"), help: "Key of --tls.cert-file.")
    var keyFile: String?

    @Option(
        name: .customLong("basic-auth.username"),
        help: "User of the exporter's basic_auth_users (env HEARTBEAT_EXPORTER_USERNAME).")
    var usernameOption: String?

    /// `--basic-auth.username`, else `HEARTBEAT_EXPORTER_USERNAME`.
    var username: String? { usernameOption ?? ProcessInfo.processInfo.environment["HEARTBEAT_EXPORTER_USERNAME"] }

    @Option(
        name: .customLong("basic-auth.password-file"),
        help: ArgumentHelp(
            "File with the basic-auth password (env HEARTBEAT_EXPORTER_PASSWORD holds the password itself).",
            discussion: "With basic auth, the token is sent in X-Heartbeat-Token, since Authorization carries the "
                + "user and password."))
    var passwordFile: String?

    func validate() throws {
        if certFile != nil, keyFile == nil { throw ValidationError("--tls.cert-file needs --tls.key-file") }
        if passwordFile != nil, username == nil {
            throw ValidationError("--basic-auth.password-file needs --basic-auth.username")
        }
    }

    func token() throws -> String? {
        if let tokenFile { return try Self.read(tokenFile, flag: "--token-file") }
        return ProcessInfo.processInfo.environment["HEARTBEAT_EXPORTER_TOKEN"]
    }

    /// The CA, client certificate and basic-auth credentials to present.
    func credentials() throws -> ExporterCredentials {
        var credentials = ExporterCredentials(caFile: caFile, certFile: certFile, keyFile: keyFile)
        if let username {
            let password =
                try passwordFile.map { try Self.read($0, flag: "--basic-auth.password-file") }
                ?? ProcessInfo.processInfo.environment["HEARTBEAT_EXPORTER_PASSWORD"]
            guard let password else {
                throw ValidationError(
                    "--basic-auth.username needs --basic-auth.password-file or HEARTBEAT_EXPORTER_PASSWORD")
            }
            credentials.basicAuth = (username, password)
        }
        return credentials
    }

    private static func read(_ path: String, flag: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(flag): cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sends one request and returns the status and body; network failures become a clear error.
    func send(_ method: String, _ path: String, body: [UInt8]? = nil) async throws -> (status: Int, body: [UInt8]) {
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard let target = URL(string: trimmed + path), target.scheme == "http" || target.scheme == "https" else {
            throw ValidationError("--url: not an http or https URL: \(url)")
        }
        let transport = CurlTransport(credentials: try credentials())
        do {
            let reply = try await transport.send(
                method, target, body: body.map { Data($0) }, token: try token(), timeout: .seconds(10))
            return (reply.status, Array(reply.body))
        } catch {
            throw ClientError("cannot reach \(trimmed): \(error)")
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
