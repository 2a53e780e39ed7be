import HTTP
@testable import Server
import Testing
import YAMLConfig

/// `--web.config.file` read as exporter-toolkit reads it: its keys, defaults and refusals, each error naming the
/// key and the line.
struct WebConfigParsingTests {
    static let hash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSx"

    @Test func aFullFileReadsWithRelativePathsResolvedAgainstItsDirectory() throws {
        let config = try WebConfig.parse(
            """
            tls_server_config:
              cert_file: server.crt
              key_file: /etc/hx/server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.crt
              min_version: TLS13
            basic_auth_users:
              ops: \(Self.hash)
            http_server_config:
              http2: false
              headers: {X-Frame-Options: deny, Strict-Transport-Security: max-age=31536000}
            """, file: "/etc/hx/web.yml")
        let tls = try #require(config.tls)
        #expect(tls.certFile == "/etc/hx/server.crt")
        #expect(tls.keyFile == "/etc/hx/server.key")
        #expect(tls.clientCAFile == "/etc/hx/ca.crt")
        #expect(tls.clientAuth == .requireAndVerifyClientCert)
        #expect(tls.minVersion == .tls13 && tls.maxVersion == .tls13)
        #expect(config.users == ["ops": Self.hash])
        #expect(
            config.headers == [
                .init(name: "Strict-Transport-Security", value: "max-age=31536000"),
                .init(name: "X-Frame-Options", value: "deny"),
            ])
        #expect(
            config.watchedFiles == ["/etc/hx/web.yml", "/etc/hx/server.crt", "/etc/hx/server.key", "/etc/hx/ca.crt"])
    }

    @Test func anEmptyFileOrEmptyTLSSectionServesPlainHTTP() throws {
        #expect(try WebConfig.parse("", file: "w.yml").tls == nil)
        #expect(try WebConfig.parse("tls_server_config: {min_version: TLS13}\n", file: "w.yml").tls == nil)
    }

    @Test func defaultsAreExporterToolkits() throws {
        let tls = try #require(
            try WebConfig.parse("tls_server_config: {cert_file: a, key_file: b}\n", file: "w.yml").tls)
        #expect(tls.minVersion == .tls12 && tls.maxVersion == .tls13)
        #expect(tls.clientAuth == .noClientCert && tls.preferServerCipherSuites)
        #expect(
            TLSSettings(certificatePEM: "", keyPEM: "").priorities
                == "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3:%SERVER_PRECEDENCE")
    }

    @Test(arguments: [
        (
            "tls_server_config:\n  cert_file: a\n  keyfile: b\n",
            "w.yml:3:3: tls_server_config.keyfile: unknown key (allowed: cert_file, cipher_suites, client_auth_type, client_ca_file, curve_preferences, key_file, max_version, min_version, prefer_server_cipher_suites)"
        ),
        (
            "basic_auth_user:\n  ops: x\n",
            "w.yml:1:1: basic_auth_user: unknown key (allowed: basic_auth_users, http_server_config, tls_server_config)"
        ),
        ("tls_server_config:\n  key_file: b\n", "w.yml:2:3: tls_server_config: missing cert_file"),
        ("tls_server_config:\n  cert_file: a\n", "w.yml:2:3: tls_server_config: missing key_file"),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Sometimes\n",
            "w.yml:4:21: tls_server_config.client_auth_type: Invalid ClientAuth: Sometimes (one of: NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert)"
        ),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: ca.crt\n",
            "w.yml:4:19: tls_server_config.client_ca_file: Client CA's have been configured without a Client Auth Policy"
        ),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS14\n",
            "w.yml:4:16: tls_server_config.min_version: unknown TLS version: TLS14"
        ),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n  max_version: TLS12\n",
            "w.yml:4:16: tls_server_config.min_version: min_version TLS13 is above max_version TLS12"
        ),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n",
            "w.yml:4:18: tls_server_config.cipher_suites: not supported: the TLS library (GnuTLS) negotiates from its NORMAL set; remove cipher_suites"
        ),
        (
            "basic_auth_users:\n  ops: secret\n",
            "w.yml:2:8: basic_auth_users.ops: not a bcrypt hash: expected 60 characters such as $2y$10$…, got 6"
        ),
        (
            "basic_auth_users:\n  ops: $1$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSxy\n",
            "w.yml:2:8: basic_auth_users.ops: not a bcrypt hash: must start with $2a$, $2b$ or $2y$"
        ),
        (
            "http_server_config:\n  headers:\n    Server: hx\n",
            "w.yml:3:13: http_server_config.headers.Server: HTTP header \"Server\" can not be configured"
        ),
        (
            "http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
            "w.yml:3:22: http_server_config.headers.X-Frame-Options: invalid value for X-Frame-Options: expected one of \"deny\", \"sameorigin\", got \"allow\""
        ),
        ("http_server_config:\n  http2: maybe\n", "w.yml:2:10: http_server_config.http2: must be true or false"),
    ])
    func aBadFileIsAnErrorNamingKeyAndLine(text: String, message: String) {
        #expect(throws: ConfigError.self) { try WebConfig.parse(text, file: "w.yml") }
        do {
            _ = try WebConfig.parse(text, file: "w.yml")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func bcryptHashesTheSystemMakesVerifyAndWrongPasswordsDoNot() throws {
        let hash = try Bcrypt.hash("s3cret", cost: 4)
        #expect(hash.hasPrefix("$2b$04$") && Bcrypt.problem(with: hash) == nil)
        #expect(Bcrypt.verify("s3cret", hash: hash))
        #expect(!Bcrypt.verify("s3cret ", hash: hash))
        #expect(!Bcrypt.verify("s3cret\u{0}", hash: hash))
        // htpasswd -nbBC 4 user s3cret makes $2y$ hashes; crypt(3) checks them too.
        #expect(Bcrypt.verify("s3cret", hash: "$2y" + hash.dropFirst(3)))
    }
}
