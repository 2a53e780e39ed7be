import Foundation
import HTTP
import YAMLConfig

extension WebConfig.TLSServerConfig {
    static let keys: Set<String> = [
        "cert_file", "key_file", "client_auth_type", "client_ca_file", "cipher_suites", "curve_preferences",
        "min_version", "max_version", "prefer_server_cipher_suites",
    ]

    /// `tls_server_config`, checked as exporter-toolkit's `ConfigToTLSConfig` checks it; nil when none of
    /// `cert_file`, `key_file`, `client_auth_type` and `client_ca_file` is set (plain HTTP).
    static func parse(_ reader: YAMLNodeReader, directory: String) throws(ConfigError) -> Self? {
        var values: [String: YAMLNodeReader] = [:]
        for (key, child) in try reader.mapping(allowed: keys) { values[key] = child }
        for key in ["cipher_suites", "curve_preferences"] {
            if let child = values[key], case .sequence(let items) = child.node, !items.isEmpty {
                throw child.error(
                    "not supported: the TLS library (GnuTLS) negotiates from its NORMAL set; remove \(key)")
            }
        }
        let cert = try values["cert_file"]?.string() ?? ""
        let key = try values["key_file"]?.string() ?? ""
        let authName = try values["client_auth_type"]?.string() ?? ""
        let caFile = try values["client_ca_file"]?.string() ?? ""
        if cert.isEmpty, key.isEmpty, authName.isEmpty, caFile.isEmpty { return nil }
        guard !cert.isEmpty else { throw reader.error("missing cert_file") }
        guard !key.isEmpty else { throw reader.error("missing key_file") }
        let clientAuth = try parseClientAuth(authName, values["client_auth_type"])
        if !caFile.isEmpty, clientAuth == .noClientCert {
            throw (values["client_ca_file"] ?? reader).error(
                "Client CA's have been configured without a Client Auth Policy")
        }
        let config = Self(
            certFile: join(directory, cert), keyFile: join(directory, key), clientAuth: clientAuth,
            clientCAFile: caFile.isEmpty ? nil : join(directory, caFile),
            minVersion: try parseVersion(values["min_version"]) ?? .tls12,
            maxVersion: try parseVersion(values["max_version"]) ?? .tls13,
            preferServerCipherSuites: try values["prefer_server_cipher_suites"]?.bool() ?? true)
        guard config.minVersion <= config.maxVersion else {
            throw (values["min_version"] ?? reader).error(
                "min_version \(config.minVersion.rawValue) is above max_version \(config.maxVersion.rawValue)")
        }
        return config
    }

    private static func parseClientAuth(_ name: String, _ reader: YAMLNodeReader?) throws(ConfigError)
        -> TLSSettings.ClientAuth
    {
        switch name {
        case "", "NoClientCert": return .noClientCert
        case "RequireClientCert": return .requireAnyClientCert  // exporter-toolkit's older name
        default:
            guard let value = TLSSettings.ClientAuth(rawValue: name) else {
                let message =
                    "Invalid ClientAuth: \(name) (one of: "
                    + TLSSettings.ClientAuth.allCases.map(\.rawValue).joined(separator: ", ") + ")"
                throw reader?.error(message) ?? ConfigError(file: "", key: "client_auth_type", message: message)
            }
            return value
        }
    }

    private static func parseVersion(_ reader: YAMLNodeReader?) throws(ConfigError) -> TLSSettings.Version? {
        guard let reader else { return nil }
        let name = try reader.string()
        guard let version = TLSSettings.Version(rawValue: name) else {
            throw reader.error("unknown TLS version: \(name)")
        }
        return version
    }

    /// `path` relative to `directory` unless it is absolute (Prometheus' `JoinDir`).
    private static func join(_ directory: String, _ path: String) -> String {
        path.hasPrefix("/") || directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }

    /// The system's CA bundle (Debian's ca-certificates), which verifies client certificates when
    /// `client_ca_file` is not set, as Go's system roots do.
    public static let systemCABundle = "/etc/ssl/certs/ca-certificates.crt"

    /// Reads the certificate, key and client CA files and checks that the TLS library accepts them; a policy that
    /// verifies client certificates without `client_ca_file` verifies them against the system's CAs.
    /// - Throws: ``ConfigError`` naming the file that cannot be read or GnuTLS' reason.
    public func settings(configFile: String) throws(ConfigError) -> TLSSettings {
        func read(_ path: String, _ key: String) throws(ConfigError) -> String {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError(file: configFile, key: "tls_server_config.\(key)", message: "cannot read \(path)")
            }
            return String(decoding: data, as: UTF8.self)
        }
        var clientCAPEM = try clientCAFile.map { (path) throws(ConfigError) in try read(path, "client_ca_file") }
        if clientCAPEM == nil, [.verifyClientCertIfGiven, .requireAndVerifyClientCert].contains(clientAuth) {
            // Go verifies against the system's roots when ClientCAs is empty; so does exporter-toolkit.
            guard let system = FileManager.default.contents(atPath: Self.systemCABundle) else {
                throw ConfigError(
                    file: configFile, key: "tls_server_config.client_ca_file",
                    message: "\(clientAuth.rawValue) verifies client certificates: set client_ca_file (the system's CA "
                        + "bundle \(Self.systemCABundle) cannot be read)")
            }
            clientCAPEM = String(decoding: system, as: UTF8.self)
        }
        let settings = TLSSettings(
            certificatePEM: try read(certFile, "cert_file"), keyPEM: try read(keyFile, "key_file"),
            clientCAPEM: clientCAPEM,
            clientAuth: clientAuth, minVersion: minVersion, maxVersion: maxVersion,
            preferServerCipherSuites: preferServerCipherSuites)
        do throws(TLSSettingsError) {
            try settings.validate()
        } catch {
            throw ConfigError(file: configFile, key: "tls_server_config", message: error.description)
        }
        return settings
    }
}
