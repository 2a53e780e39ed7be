import Foundation
import HTTP
import YAMLConfig

extension WebConfig {
    /// The response headers exporter-toolkit lets a web configuration set, with the values allowed (empty: any).
    static let configurableHeaders: [String: [String]] = [
        "Strict-Transport-Security": [],
        "X-Content-Type-Options": ["nosniff"],
        "X-Frame-Options": ["deny", "sameorigin"],
        "X-XSS-Protection": [],
        "Content-Security-Policy": [],
    ]

    /// Reads and checks `path` as exporter-toolkit does: unknown keys, bad values, bcrypt hashes that do not
    /// parse and inconsistent TLS settings are errors naming the key and the line. The certificate files are
    /// not read here (see ``tlsSettings()``).
    /// - Throws: ``ConfigError``.
    public static func load(path: String) throws(ConfigError) -> WebConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, key: "", message: "cannot read the web configuration file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses the text of a web configuration file named `file` (relative TLS paths are resolved against its
    /// directory).
    /// - Throws: ``ConfigError``.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> WebConfig {
        var config = WebConfig(file: file)
        guard let root = try YAMLNodeReader.document(text, file: file) else { return config }
        let directory = (file as NSString).deletingLastPathComponent
        for (key, reader) in try root.mapping(allowed: ["tls_server_config", "http_server_config", "basic_auth_users"])
        {
            switch key {
            case "tls_server_config": config.tls = try TLSServerConfig.parse(reader, directory: directory)
            case "basic_auth_users": config.users = try parseUsers(reader)
            default: config.headers = try parseHTTPServerConfig(reader)
            }
        }
        return config
    }

    private static func parseUsers(_ reader: YAMLNodeReader) throws(ConfigError) -> [String: String] {
        var users: [String: String] = [:]
        for (user, hashReader) in try reader.mapping() {
            let hash = try hashReader.string()
            if let problem = Bcrypt.problem(with: hash) { throw hashReader.error(problem) }
            users[user] = hash
        }
        return users
    }

    private static func parseHTTPServerConfig(_ reader: YAMLNodeReader) throws(ConfigError) -> [HeaderField] {
        var headers: [HeaderField] = []
        for (key, child) in try reader.mapping(allowed: ["http2", "headers"]) {
            if key == "http2" {
                _ = try child.bool()
                continue
            }
            for (name, valueReader) in try child.mapping() {
                let value = try valueReader.string()
                guard let allowed = configurableHeaders[name] else {
                    throw valueReader.error("HTTP header \"\(name)\" can not be configured")
                }
                if !allowed.isEmpty, !allowed.contains(value) {
                    throw valueReader.error(
                        "invalid value for \(name): expected one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(value)\""
                    )
                }
                headers.append(HeaderField(name: name, value: value))
            }
        }
        return headers.sorted { $0.name < $1.name }
    }
}

extension YAMLNodeReader {
    /// A YAML boolean (`true`/`false`, and YAML 1.1's `yes`/`no`/`on`/`off`, as Go's yaml.v2 reads them).
    func bool() throws(ConfigError) -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on", "y": return true
        case "false", "no", "off", "n": return false
        default: throw error("must be true or false")
        }
    }
}
