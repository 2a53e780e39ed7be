import HTTP

/// A `--web.config.file` as exporter-toolkit reads it (the format of every Prometheus component's web
/// configuration): TLS for the listener, basic-auth users with bcrypt hashes, and extra response headers.
///
/// ```yaml
/// tls_server_config:
///   cert_file: server.crt
///   key_file: server.key
///   client_auth_type: RequireAndVerifyClientCert
///   client_ca_file: ca.crt
///   min_version: TLS12
/// basic_auth_users:
///   ops: $2y$10$…
/// http_server_config:
///   headers: {Strict-Transport-Security: max-age=31536000}
/// ```
public struct WebConfig: Sendable, Equatable {
    /// `tls_server_config`, with relative paths resolved against the file's directory.
    public struct TLSServerConfig: Sendable, Equatable {
        /// `cert_file`: the server's certificate chain (PEM).
        public var certFile: String
        /// `key_file`: its private key (PEM).
        public var keyFile: String
        /// `client_auth_type` (default `NoClientCert`).
        public var clientAuth: TLSSettings.ClientAuth
        /// `client_ca_file`: the CAs client certificates must chain to.
        public var clientCAFile: String?
        /// `min_version` (default TLS12).
        public var minVersion: TLSSettings.Version
        /// `max_version` (default TLS13).
        public var maxVersion: TLSSettings.Version
        /// `prefer_server_cipher_suites` (default true).
        public var preferServerCipherSuites: Bool

        /// The files the settings are read from, for the change watcher.
        public var files: [String] { [certFile, keyFile] + (clientCAFile.map { [$0] } ?? []) }
    }

    /// The file it was read from.
    public var file: String
    /// TLS settings; nil serves plain HTTP (no `tls_server_config`, or one without any of its keys).
    public var tls: TLSServerConfig?
    /// `basic_auth_users`: user name → bcrypt hash. Empty: no basic auth.
    public var users: [String: String] = [:]
    /// `http_server_config.headers`, sorted by name: added to every response.
    public var headers: [HeaderField] = []

    /// One extra response header.
    public struct HeaderField: Sendable, Equatable {
        /// The header's name, one of exporter-toolkit's list.
        public var name: String
        /// Its value.
        public var value: String
    }

    /// The files whose change should reload the configuration: the file itself and the TLS files it names.
    public var watchedFiles: [String] { [file] + (tls?.files ?? []) }
}
