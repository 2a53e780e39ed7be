import Foundation
import TestSupport

/// The real `heartbeat-exporter` binary, started by a test on a free loopback port and stopped by PID.
final class ExporterProcess: @unchecked Sendable {
    // @unchecked: `process` and `stderrLog` are set up in `init` and only read afterwards; `log` is guarded by `lock`.
    let process = Process()
    let storagePath: String
    private(set) var port: UInt16 = 0
    private let lock = NSLock()
    private var log = ""

    /// The built executable, next to the test bundle (`swift test` builds it) or in `.build/debug`; the
    /// environment's `HEARTBEAT_EXPORTER_BINARY` when set (to run the tests against another build).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["HEARTBEAT_EXPORTER_BINARY"], !path.isEmpty { return path }
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("heartbeat-exporter").path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        return TestPaths.packageRoot.appendingPathComponent(".build/debug/heartbeat-exporter").path
    }

    /// Starts `serve` on 127.0.0.1 with a port the kernel picks, and waits (polling with `Task.sleep`, holding no
    /// thread) until it is ready.
    init(storagePath: String? = nil, arguments: [String] = [], port: UInt16 = 0) async throws {
        self.storagePath = storagePath ?? TestPaths.temporaryDirectory("exporter-data")
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments =
            ["serve", "--web.listen-address", "127.0.0.1:\(port)", "--storage.path", self.storagePath]
            + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: self.storagePath)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = String(decoding: handle.availableData, as: UTF8.self)
            self?.lock.withLock { self?.log += chunk }
        }
        try process.run()
        self.port = try await waitForListeningPort()
    }

    /// What the exporter has logged so far.
    var logText: String { lock.withLock { log } }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    private func waitForListeningPort() async throws -> UInt16 {
        let deadline = Date().addingTimeInterval(30)
        while true {
            if let range = logText.range(of: #"msg=listening .*port=(\d+)"#, options: .regularExpression) {
                let line = logText[range]
                if let portText = line.split(separator: "=").last, let port = UInt16(portText) { return port }
            }
            guard process.isRunning else { throw TestFailure("exporter exited early:\n\(logText)") }
            guard Date() < deadline else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("exporter did not start listening within 30 s:\n\(logText)")
    }

    /// Sends `signal` to the exporter's PID.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// SIGTERM, then waits for the exit and returns its status.
    @discardableResult
    func terminate() async -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        send(SIGTERM)
        return await waitForExit()
    }

    /// SIGKILL: no chance to flush anything. Returns once the process is gone.
    func killHard() async {
        guard process.isRunning else { return }
        send(SIGKILL)
        await waitForExit()
    }

    /// Waits for the process to exit, holding no thread; its status.
    @discardableResult
    func waitForExit() async -> Int32 {
        await process.exitStatus()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            detachedOffPool("exporter-reap") { [process] in process.waitForExit() }
        }
    }
}

/// A test precondition that failed, with what was seen.
struct TestFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
