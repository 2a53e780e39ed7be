import Foundation
import TestSupport

/// Runs a command-line tool to completion and captures what it printed.
enum ExternalTool {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The full path of `name` on PATH (or in /usr/bin), or a failure saying it is missing.
    static func path(_ name: String) throws -> String {
        let searchPath = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/local/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestFailure("\(name) is not installed; the test command installs it (scripts/test)")
    }

    /// Runs `tool` with `arguments`, feeding `input` on standard input; the tool runs and is waited for on a
    /// thread of its own (`offPool`), not on the test process's few pool threads.
    static func run(
        _ tool: String, _ arguments: [String], input: [UInt8]? = nil,
        environment: [String: String]? = nil, workingDirectory: String? = nil
    ) async throws -> Result {
        try await offPool("external-tool") {
            try runBlocking(
                tool, arguments, input: input, environment: environment, workingDirectory: workingDirectory)
        }
    }

    private static func runBlocking(
        _ tool: String, _ arguments: [String], input: [UInt8]?, environment: [String: String]?,
        workingDirectory: String?
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : try path(tool))
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        // Files, not pipes: a chatty tool cannot block on a full pipe while we wait for the other one.
        let outPath = NSTemporaryDirectory() + "tool-out-\(UUID().uuidString)"
        let errPath = NSTemporaryDirectory() + "tool-err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath); try? FileManager.default.removeItem(atPath: errPath)
        }
        let stdin = Pipe()
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input)) }
        try stdin.fileHandleForWriting.close()
        // On the thread that started it: no spin (see `Process.exitStatus()`), and the run loop it runs releases
        // the process and its files.
        process.waitUntilExit()
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }
}
