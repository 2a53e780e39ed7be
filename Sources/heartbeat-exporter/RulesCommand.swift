import ArgumentParser
import Foundation
import Rules

/// `heartbeat-exporter rules`: rule-file tooling compatible with `promtool check rules` / `test rules`.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check rule files and run their unit tests, as promtool does.",
        subcommands: [Check.self, Test.self]
    )
}

extension RulesCommand {
    /// `heartbeat-exporter rules check FILE…`: `promtool check rules` output and exit codes.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check Prometheus rule files (same messages and exit codes as `promtool check rules`).",
            discussion: "Prints 'SUCCESS: N rules found' per good file; errors go to standard error as "
                + "'FILE: LINE:COL: group \"G\", rule N, \"NAME\": problem'. Exits 1 when a file has errors. "
                + "Template constructs outside the supported subset, and a fixed @ time in an expression (the "
                + "rule history cannot hold it), are errors too. Duplicate rules "
                + "(same name and labels) are reported as a lint error without failing, as promtool does."
        )

        @Argument(help: "Rule files.")
        var files: [String]

        mutating func run() throws {
            if let missing = files.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
                printError("heartbeat-exporter: error: path '\(missing)' does not exist, try --help")
                throw ExitCode(1)
            }
            var failed = false
            for file in files where !RuleFileCheck.check(file) { failed = true }
            if failed { throw ExitCode(1) }
        }
    }

    /// `heartbeat-exporter rules test FILE…`: runs `promtool test rules` files.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run rule unit-test files written for `promtool test rules`.",
            discussion: "Reports failures the way promtool does and exits 1 when any test failed."
        )

        @Argument(help: "Test files.")
        var files: [String]

        mutating func run() throws {
            var failed = false
            for file in files {
                print("Unit Testing:  \(file)")
                let failures = RuleUnitTester.run(file: file)
                if failures.isEmpty {
                    print("  SUCCESS")
                } else {
                    flushStandardOutput()
                    printError("  FAILED:")
                    for failure in failures {
                        printError(failure)
                        print("")
                    }
                    failed = true
                }
                print("")
            }
            if failed { throw ExitCode(1) }
        }
    }
}
