import Foundation

/// Reads `Tests/ExpositionTests/testdata/<name>` as bytes.
func testdata(_ name: String) throws -> [UInt8] {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("testdata")
    return Array(try Data(contentsOf: directory.appendingPathComponent(name)))
}

/// The output and exit status of a command run with `input` on its standard input.
struct CommandResult {
    var status: Int32
    var output: String
}

/// Runs `arguments[0]` (looked up on `PATH`) with the rest as arguments, feeding it `input`.
func run(_ arguments: [String], input: [UInt8]) throws -> CommandResult {
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
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, output: String(decoding: captured, as: UTF8.self))
}
