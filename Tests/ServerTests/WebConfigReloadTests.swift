import Foundation
import HTTP
@testable import Server
import Testing
import TestSupport

/// The web configuration is re-read when its file changes; a bad file is refused and the previous one stays.
struct WebConfigReloadTests {
    static func config(user: String, password: String) throws -> String {
        "basic_auth_users:\n  \(user): \(try Bcrypt.hash(password, cost: 4))\n"
    }

    static func lastReloadSuccessful(_ api: APIFixture) -> String? {
        let metrics = api.send("GET", "/metrics", headers: [BasicAuthTests.basic("ops", "one")]).text
        return metrics.split(separator: "\n").first {
            $0.hasPrefix("heartbeat_exporter_web_config_last_reload_successful ")
        }
        .map(String.init)
    }

    @Test func aChangedFileIsPutInForce() throws {
        let api = try APIFixture(webConfig: try Self.config(user: "ops", password: "one"))
        let path = try #require(api.exporter.webConfigPath)
        #expect(api.exporter.checkWebConfig() == nil)  // unchanged: nothing to do

        try Self.config(user: "ops", password: "two").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(api.exporter.checkWebConfig() == nil)

        #expect(api.send("GET", "/-/healthy", headers: [BasicAuthTests.basic("ops", "one")]).status == 401)
        #expect(api.send("GET", "/-/healthy", headers: [BasicAuthTests.basic("ops", "two")]).status == 200)
    }

    /// Kubernetes mounts a Secret as `web.yml -> ..data/web.yml` and rotates it by re-pointing `..data`: the
    /// file behind the links changes while the link itself does not.
    @Test func aFileReplacedBehindASymbolicLinkIsPutInForce() throws {
        let api = try APIFixture(webConfig: try Self.config(user: "ops", password: "one"))
        let path = try #require(api.exporter.webConfigPath)
        let files = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        try files.createDirectory(atPath: directory + "/v1", withIntermediateDirectories: true)
        try files.moveItem(atPath: path, toPath: directory + "/v1/web.yml")
        try files.createSymbolicLink(atPath: directory + "/..data", withDestinationPath: "v1")
        try files.createSymbolicLink(atPath: path, withDestinationPath: "..data/web.yml")
        #expect(api.exporter.checkWebConfig() == nil)
        #expect(api.send("GET", "/-/healthy", headers: [BasicAuthTests.basic("ops", "one")]).status == 200)

        try files.createDirectory(atPath: directory + "/v2", withIntermediateDirectories: true)
        try Self.config(user: "ops", password: "two").write(
            toFile: directory + "/v2/web.yml", atomically: true, encoding: .utf8)
        try files.createSymbolicLink(atPath: directory + "/..data_tmp", withDestinationPath: "v2")
        #expect(rename(directory + "/..data_tmp", directory + "/..data") == 0)
        #expect(api.exporter.checkWebConfig() == nil)

        #expect(api.send("GET", "/-/healthy", headers: [BasicAuthTests.basic("ops", "one")]).status == 401)
        #expect(api.send("GET", "/-/healthy", headers: [BasicAuthTests.basic("ops", "two")]).status == 200)
    }

    @Test func aBadFileIsRefusedOnceAndThePreviousOneStaysInForce() throws {
        let api = try APIFixture(webConfig: try Self.config(user: "ops", password: "one"))
        let path = try #require(api.exporter.webConfigPath)
        #expect(Self.lastReloadSuccessful(api) == "heartbeat_exporter_web_config_last_reload_successful 1")

        try "basic_auth_users:\n  ops: plain-text\n".write(toFile: path, atomically: true, encoding: .utf8)
        let refusal = api.exporter.checkWebConfig()

        #expect(
            refusal
                == "\(path):2:8: basic_auth_users.ops: not a bcrypt hash: expected 60 characters such as $2y$10$…, got 10"
        )
        #expect(api.exporter.checkWebConfig() == nil)  // reported once, not every poll
        #expect(api.send("GET", "/-/healthy", headers: [BasicAuthTests.basic("ops", "one")]).status == 200)
        #expect(Self.lastReloadSuccessful(api) == "heartbeat_exporter_web_config_last_reload_successful 0")
    }

    @Test func aBadFileAtStartIsAnErrorNamingKeyAndLine() throws {
        #expect {
            _ = try APIFixture(webConfig: "tls_server_config:\n  cert_file: a.crt\n")
        } throws: { error in
            "\(error)".hasSuffix("web.yml:2:3: tls_server_config: missing key_file")
        }
    }

    @Test func missingCertificateFilesAreAnErrorNamingTheKey() throws {
        #expect {
            _ = try APIFixture(webConfig: "tls_server_config:\n  cert_file: /nonexistent/a.crt\n  key_file: b.key\n")
        } throws: { error in
            "\(error)".hasSuffix("web.yml: tls_server_config.cert_file: cannot read /nonexistent/a.crt")
        }
    }
}
