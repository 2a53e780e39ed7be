import Foundation
import TestSupport

/// A real Alertmanager (Debian package `prometheus-alertmanager`) alone on a free loopback port, with its
/// own storage folder, stopped by PID when released.
final class AlertmanagerProcess: @unchecked Sendable {
    // @unchecked: every stored property is set in `init` and never changed.
    let process = Process()
    let port: UInt16
    let directory = TestPaths.temporaryDirectory("alertmanager")

    init() throws {
        port = try FreePort.pick()
        let configPath = directory + "/alertmanager.yml"
        try "route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n"
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: try ExternalTool.path("prometheus-alertmanager"))
        process.arguments = [
            "--config.file=\(configPath)", "--storage.path=\(directory)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=warn",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Waits until the API answers.
    func waitUntilReady() async throws {
        try await IntegrationTests.waitUntilReady(process, baseURL: url, name: "alertmanager")
    }

    /// Stops it with SIGTERM and removes its folder once it has exited, on a thread of its own: a release does
    /// not block the test process's pool threads.
    deinit {
        detachedOffPool("alertmanager-stop") { [process, directory] in
            if process.isRunning {
                kill(process.processIdentifier, SIGTERM)
                process.waitForExit()
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}

/// Waits until the server `process` runs answers `GET /-/ready` with 200, as Prometheus and Alertmanager do once
/// they serve their API.
func waitUntilReady(_ process: Process, baseURL: String, name: String, timeout: Double = 30) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if let reply = try? await HTTPTestClient(baseURL: baseURL).get("/-/ready"), reply.status == 200 { return }
        guard process.isRunning else { throw TestFailure("\(name) exited early") }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw TestFailure("\(name) was not ready within \(timeout) s")
}
