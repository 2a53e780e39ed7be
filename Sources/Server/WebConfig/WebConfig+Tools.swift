import YAMLConfig

extension WebConfig {
    /// Reads `path` as `serve` would at start: the file, then the certificate, key and client CA files it names,
    /// checked by the TLS library (`heartbeat-exporter config check --web.config.file`).
    /// - Throws: ``ConfigError`` naming the key and line, or the file that cannot be used.
    public static func check(path: String) throws(ConfigError) -> WebConfig {
        let config = try load(path: path)
        _ = try config.tls?.settings(configFile: path)
        return config
    }

    /// A new bcrypt hash (`$2b$`, cost 10, random salt) of `password`, for `basic_auth_users`.
    /// - Throws: an error naming the cause when the system's crypt(3) refuses.
    public static func hashPassword(_ password: String) throws -> String {
        try Bcrypt.hash(password)
    }
}
