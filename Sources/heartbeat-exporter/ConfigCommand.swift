import ArgumentParser
import Foundation
import Server

/// `heartbeat-exporter config check FILE`: validates a configuration file as `serve` would load it.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Configuration tools.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check configuration files; exit 1 when one has an error.")

        @Argument(help: "Configuration files.") var files: [String]

        func run() throws {
            var failed = false
            for file in files {
                do {
                    _ = try ExporterConfig.load(path: file, mustExist: true)
                    print("Checking \(file)\n  SUCCESS: \(file) is valid")
                } catch {
                    print("Checking \(file)\n  FAILED: \(error)")
                    failed = true
                }
            }
            if failed { throw ExitCode.failure }
        }
    }
}
