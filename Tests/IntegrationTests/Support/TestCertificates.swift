import Foundation
import TestSupport

/// Certificates made with `openssl` for a test: a CA, a server certificate for 127.0.0.1 signed by it, a client
/// certificate signed by it (extended key usage `clientAuth`), and a self-signed "rogue" client certificate.
struct TestCertificates {
    let directory: String

    /// Makes a CA named `name` and the certificates it signs, in a new directory.
    init(name: String = "ca") async throws {
        directory = TestPaths.temporaryDirectory("certs")
        try await openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=\(name)",
            "-keyout", "ca.key", "-out", "ca.crt",
        ])
        try await sign("server", subject: "/CN=127.0.0.1", extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost")
        try await sign("client", subject: "/CN=agent", extensions: "extendedKeyUsage=clientAuth")
        try await openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=rogue",
            "-keyout", "rogue.key", "-out", "rogue.crt",
        ])
    }

    func path(_ file: String) -> String { "\(directory)/\(file)" }

    private func sign(_ name: String, subject: String, extensions: String) async throws {
        try await openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", "\(name).key",
            "-out", "\(name).csr",
        ])
        try (extensions + "\n").write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try await openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "\(name).ext", "-out", "\(name).crt",
        ])
    }

    private func openssl(_ arguments: [String]) async throws {
        let result = try await ExternalTool.run("openssl", arguments, workingDirectory: directory)
        guard result.status == 0 else {
            throw TestFailure("openssl \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }
}

/// One `curl` request: the status (0 when no HTTP reply came back: refused handshake, plain HTTP on TLS) and the
/// response headers.
struct CurlReply {
    var status: Int
    var headers: String
    var exitCode: Int32

    init(_ url: String, _ options: [String] = []) async throws {
        let headerFile = NSTemporaryDirectory() + "curl-headers-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: headerFile) }
        let result = try await ExternalTool.run(
            "curl",
            ["-sS", "-o", "/dev/null", "-D", headerFile, "-w", "%{http_code}", "--max-time", "10"] + options + [url])
        status = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        headers = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        exitCode = result.status
    }
}
