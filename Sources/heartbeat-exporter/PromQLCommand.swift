import ArgumentParser
import Foundation
import PromQL

/// `heartbeat-exporter promql`: PromQL tooling.
struct PromQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promql",
        abstract: "PromQL tools: run Prometheus PromQL test scripts against the built-in engine.",
        subcommands: [Test.self]
    )
}

extension PromQLCommand {
    /// `heartbeat-exporter promql test FILE…`: runs Prometheus `.test` scripts.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run Prometheus PromQL test scripts (load / eval instant at / eval_fail / eval_ordered).",
            discussion: "Prints each failing case, one line per file, and 'N passed, M failed, K skipped'. "
                + "As Prometheus' own harness, each case is also re-run with @ pinned to its evaluation time "
                + "(at other evaluation times) and as a range query checking the middle step; a failing re-run "
                + "fails the case, and the re-runs that passed are counted on the last line. Cases on "
                + "native-histogram series are skipped. Exits with status 1 when a case failed."
        )

        @Argument(help: "Test script files.")
        var files: [String]

        @Flag(name: .long, help: "Also print each skipped case with its reason.")
        var verbose = false

        mutating func run() throws {
            var summary = TestSummary(verbose: verbose)
            for file in files {
                summary.add(runFile(file), file: file)
            }
            summary.printSkipReasons()
            print("\(summary.passed) passed, \(summary.failed) failed, \(summary.skipped) skipped")
            print(
                "harness re-runs passed: \(summary.pinnedRuns) with @ pinned to the evaluation time, "
                    + "\(summary.rangeRuns) as range queries (middle step)")
            if summary.failed > 0 || summary.brokenFiles > 0 { throw ExitCode(1) }
        }

        private func runFile(_ file: String) -> Result<[TestCaseResult], any Error> {
            Result {
                let text: String
                do {
                    text = try String(contentsOfFile: file, encoding: .utf8)
                } catch {
                    throw ValidationError("cannot read file: \(error.localizedDescription)")
                }
                return try PromQLTestScript(parsing: text).run()
            }
        }
    }
}

/// Counts over all files, and the printing of per-case and per-file lines.
private struct TestSummary {
    var passed = 0
    var failed = 0
    var skipped = 0
    var brokenFiles = 0
    var pinnedRuns = 0
    var rangeRuns = 0
    var skipReasons: [String: Int] = [:]
    let verbose: Bool

    mutating func add(_ result: Result<[TestCaseResult], any Error>, file: String) {
        let cases: [TestCaseResult]
        switch result {
        case .success(let value): cases = value
        case .failure(let error):
            brokenFiles += 1
            print("\(file): cannot run test script: \(error)")
            return
        }
        var counts = (passed: 0, failed: 0, skipped: 0)
        for testCase in cases {
            pinnedRuns += testCase.pinnedRuns
            rangeRuns += testCase.rangeRuns
            switch testCase.outcome {
            case .passed: counts.passed += 1
            case .failedAsExpected(let message):
                counts.passed += 1
                if verbose {
                    print("PASS \(file):\(testCase.line): \(testCase.query)\n  failed as expected: \(message)")
                }
            case .failed(let message):
                counts.failed += 1
                print("FAIL \(file):\(testCase.line): \(testCase.query)\n  \(message)")
            case .skipped(let reason):
                counts.skipped += 1
                skipReasons[reason, default: 0] += 1
                if verbose { print("SKIP \(file):\(testCase.line): \(testCase.query)\n  \(reason)") }
            }
        }
        passed += counts.passed
        failed += counts.failed
        skipped += counts.skipped
        print("\(file): \(counts.passed) passed, \(counts.failed) failed, \(counts.skipped) skipped")
    }

    func printSkipReasons() {
        for (reason, count) in skipReasons.sorted(by: { $0.key < $1.key }) {
            print("skipped \(count): \(reason)")
        }
    }
}
