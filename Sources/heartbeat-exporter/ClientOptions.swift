import ArgumentParser
import Foundation
import HeartbeatClient

/// Options every client command shares: where the exporter is, the token to present, and what an exporter
/// serving with a `--web.config.file` asks for (its CA, a client certificate, basic auth).
struct ClientOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The exporter's URL, or several separated by commas (env HEARTBEAT_EXPORTER_URL).",
            discussion: "With several (exporters sharing one database), a request goes to the first and fails over "
                + "to the next, in order, while one cannot be reached or answers 502, 503 or 504."))
    var url: String = ProcessInfo.processInfo.environment["HEARTBEAT_EXPORTER_URL"] ?? "http://127.0.0.1:9747"

    /// The URLs of `--url`, in order, without a trailing slash.
    var urls: [String] {
        url.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map {
            $0.hasSuffix("/") ? String($0.dropLast()) : $0
        }
    }

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

    /// Refuses an `--url` that is not http or https and a token, password or TLS file that cannot be read, for a
    /// command that must not start its work before knowing its reports can be sent (`run`).
    func checkCredentials() throws {
        guard !urls.isEmpty else { throw ValidationError("--url: no URL given") }
        for url in urls {
            guard let target = URL(string: url), target.scheme == "http" || target.scheme == "https",
                target.host != nil
            else { throw ValidationError("--url: not an http or https URL: \(url)") }
        }
        _ = try token()
        _ = try credentials()
        for (flag, path) in [("--tls.ca-file", caFile), ("--tls.cert-file", certFile), ("--tls.key-file", keyFile)] {
            guard let path else { continue }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ValidationError("\(flag): cannot read \(path)")
            }
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

    /// Sends one request and returns the status and body; network failures become a clear error. With several
    /// URLs, the request fails over to the next while one cannot be reached or answers 502, 503 or 504 (the last
    /// such answer is returned when every one did).
    func send(_ method: String, _ path: String, body: [UInt8]? = nil) async throws -> (status: Int, body: [UInt8]) {
        let bases = urls
        guard !bases.isEmpty else { throw ValidationError("--url: no URL given") }
        let transport = CurlTransport(credentials: try credentials())
        var failures: [String] = []
        var unavailable: (status: Int, body: [UInt8])?
        for base in bases {
            guard let target = URL(string: base + path), target.scheme == "http" || target.scheme == "https" else {
                throw ValidationError("--url: not an http or https URL: \(base)")
            }
            do {
                let reply = try await transport.send(
                    method, target, body: body.map { Data($0) }, token: try token(), timeout: .seconds(10))
                guard Self.failsOver(reply.status), base != bases.last else { return (reply.status, Array(reply.body)) }
                unavailable = (reply.status, Array(reply.body))
                failures.append("\(base): HTTP \(reply.status)")
            } catch {
                failures.append("\(base): \(error)")
            }
        }
        if let unavailable { return unavailable }
        throw ClientError("cannot reach " + failures.joined(separator: "; "))
    }

    /// The answers that send a request on to the next exporter: this one cannot serve it now.
    static func failsOver(_ status: Int) -> Bool { [502, 503, 504].contains(status) }
}

/// A client command failed; the message is printed and the exit status is 1.
struct ClientError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
