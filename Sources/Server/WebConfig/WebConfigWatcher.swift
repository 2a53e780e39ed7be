import Foundation
import HTTP
import Logging
import Model
import Synchronization
import YAMLConfig

/// Keeps the `--web.config.file` in force: read at start (a bad file stops the start), then re-read whenever
/// it or one of the TLS files it names changes (``check()``, every second on its thread), so certificates
/// rotate without a restart. A refused reload keeps the previous configuration, is logged and shows in
/// `heartbeat_exporter_web_config_last_reload_successful`.
final class WebConfigWatcher: Sendable {
    /// What was read last: the configuration in force and the files' stamps when it was read (or when the last
    /// refused attempt read them, so a bad file is reported once, not every second).
    private struct State {
        var config: WebConfig
        var stamps: [FileStamp]
        /// The TLS settings the server runs with.
        var tls: TLSSettings?
    }

    private struct FileStamp: Equatable {
        let path: String
        let modified: Date?
        let size: UInt64?
        let inode: UInt64?
    }

    let path: String
    let status: ReloadStatus
    /// Set once the server and its guard exist: reloads go to them.
    private let targets = Mutex<(server: HTTPServer, guardHandler: WebGuard)?>(nil)
    private let clock: any WallClock
    private let logger: Logger
    private let state: Mutex<State>

    /// Reads `path`; ``initialTLS`` holds its TLS settings for the server's start.
    /// - Throws: ``ConfigError`` naming the key and line, or the TLS file that cannot be used.
    init(path: String, clock: any WallClock, logger: Logger) throws(ConfigError) {
        self.path = path
        self.clock = clock
        self.logger = logger
        let stamps = Self.stamps(of: [path])
        let config = try WebConfig.load(path: path)
        let tls = try config.tls?.settings(configFile: path)
        initialTLS = tls
        state = Mutex(State(config: config, stamps: Self.stamps(of: config.watchedFiles, knowing: stamps), tls: tls))
        status = ReloadStatus(startTime: clock.now(), metricPrefix: "heartbeat_exporter_web_config")
    }

    /// Whether the configuration in force has `basic_auth_users`.
    var hasUsers: Bool { state.withLock { !$0.config.users.isEmpty } }

    /// The TLS settings read at start; nil for plain HTTP.
    let initialTLS: TLSSettings?

    /// Puts the users and headers read in force on `guardHandler`; reloads then go to it and to `server`'s TLS.
    func attach(server: HTTPServer, guardHandler: WebGuard) {
        guardHandler.apply(state.withLock { $0.config })
        targets.withLock { $0 = (server, guardHandler) }
    }

    /// Reloads when the file or a TLS file it names changed since the last read. Returns the error of a refused
    /// reload, nil otherwise.
    @discardableResult
    func check() -> String? {
        let changed = state.withLock { state in
            let now = Self.stamps(of: state.config.watchedFiles)
            return now == state.stamps ? nil : now
        }
        guard changed != nil else { return nil }
        return reload()
    }

    /// Re-reads the file and the TLS files and puts them in force; keeps the previous configuration when one is
    /// bad. Returns nil on success, else the error.
    @discardableResult
    func reload() -> String? {
        let previous = state.withLock { $0.tls }
        // Every file is stamped before it is read, so a change made while reading is seen at the next check.
        var stamps = Self.stamps(of: [path])
        do {
            let config = try WebConfig.load(path: path)
            stamps = Self.stamps(of: config.watchedFiles, knowing: stamps)
            let tls = try config.tls?.settings(configFile: path)
            try applyTLS(tls, previous: previous)
            targets.withLock { $0 }?.guardHandler.apply(config)
            state.withLock { $0 = State(config: config, stamps: stamps, tls: tls) }
            status.record(succeeded: true, at: clock.now())
            logger.info("web configuration reloaded", metadata: ["file": "\(path)", "tls": "\(tls != nil)"])
            return nil
        } catch {
            // The files of the configuration in force are watched, as they were when this attempt read them.
            state.withLock { $0.stamps = Self.stamps(of: $0.config.watchedFiles, knowing: stamps) }
            status.record(succeeded: false, at: clock.now())
            logger.error("web configuration reload failed; keeping the previous one", metadata: ["error": "\(error)"])
            return "\(error)"
        }
    }

    private func applyTLS(_ tls: TLSSettings?, previous: TLSSettings?) throws {
        guard (tls != nil) == (previous != nil) else {
            throw ConfigError(
                file: path, key: "tls_server_config",
                message: "a reload cannot turn TLS \(tls == nil ? "off" : "on"); restart the exporter to change it")
        }
        guard let server = targets.withLock({ $0 })?.server, let tls, tls != previous else { return }
        try server.replaceTLS(tls, gracePeriodSeconds: 5)
    }

    private static func stamps(of paths: [String], knowing known: [FileStamp] = []) -> [FileStamp] {
        paths.map { path in
            if let stamp = known.first(where: { $0.path == path }) { return stamp }
            // stat(2) follows symbolic links, so a file replaced behind one (Kubernetes swaps the `..data` link of
            // a mounted Secret) is seen as changed.
            var info = stat()
            guard stat(path, &info) == 0 else { return FileStamp(path: path, modified: nil, size: nil, inode: nil) }
            return FileStamp(
                path: path,
                modified: Date(
                    timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9),
                size: UInt64(info.st_size), inode: UInt64(info.st_ino))
        }
    }
}
