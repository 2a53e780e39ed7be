import Foundation
import TestSupport

/// Reads `Tests/ExpositionTests/testdata/<name>` as bytes.
func testdata(_ name: String) throws -> [UInt8] {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("testdata")
    return Array(try Data(contentsOf: directory.appendingPathComponent(name)))
}

/// The output and exit status of a command run with `input` on its standard input.
struct CommandResult: Sendable {
    var status: Int32
    var output: String
}

/// Runs `arguments[0]` (looked up on `PATH`) with the rest as arguments, feeding it `input`; the command runs
/// and is waited for on a thread of its own (`offPool`), not on one of the test process's pool threads.
func run(_ arguments: [String], input: [UInt8]) async throws -> CommandResult {
    try await offPool("command") { try runBlocking(arguments, input: input) }
}

private func runBlocking(_ arguments: [String], input: [UInt8]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let stdin = Pipe()
    let output = Pipe()
    process.standardInput = stdin
    process.standardOutput = output
    process.standardError = output
    try process.run()
    try stdin.fileHandleForWriting.write(contentsOf: Data(input))
    try stdin.fileHandleForWriting.close()
    let captured = output.fileHandleForReading.readDataToEndOfFile()
    // On the thread that started it: no spin (see `Process.exitStatus()`), and the run loop it runs releases
    // the process and its files.
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, output: String(decoding: captured, as: UTF8.self))
}
