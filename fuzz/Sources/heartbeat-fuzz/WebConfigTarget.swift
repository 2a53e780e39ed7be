import Server

extension FuzzTarget {
    /// `--web.config.file` (exporter-toolkit's format: TLS, basic auth users, response headers): parsed and
    /// checked by ``WebConfig``, then its watched files and TLS priorities derived as a reload would.
    static let webConfig = FuzzTarget(name: "web-config") { bytes in
        do {
            let config = try WebConfig.parse(String(fuzzInput: bytes), file: "/etc/hx/web.yml")
            _ = config.watchedFiles
        } catch {
            _ = String(describing: error)
        }
    }
}
