import Foundation
import PromQL
import Testing

/// Runs Prometheus v2.42.0's own PromQL test scripts (testdata/prometheus-v2.42), all eleven, through the
/// engine, with Prometheus' harness re-runs (`@` pinned to the evaluation time, range mode).
struct ConformanceTests {
    /// Every `eval` of the eleven files.
    static let expectedPassed = 566
    /// Re-runs with `@` pinned to the evaluation time, all passing.
    static let expectedPinnedRuns = 2519
    /// Re-runs as range queries (middle step checked), all passing.
    static let expectedRangeRuns = 3055

    static let files = [
        "aggregators.test", "at_modifier.test", "collision.test", "functions.test", "histograms.test",
        "literals.test", "operators.test", "selectors.test", "staleness.test", "subquery.test",
        "trig_functions.test",
    ]

    static func results(_ file: String) throws -> [TestCaseResult] {
        try PromQLTestScript(parsing: text(of: file)).run()
    }

    static func text(of file: String) throws -> String {
        try String(contentsOf: testdataDirectory.appendingPathComponent(file), encoding: .utf8)
    }

    @Test("every case passes, none is skipped", arguments: files)
    func fileHasNoFailuresOrSkips(file: String) throws {
        for result in try Self.results(file) where !result.passed {
            Issue.record("\(file):\(result.line): \(result.query)\n\(result.outcome)")
        }
    }

    @Test func totalCounts() throws {
        let results = try Self.files.flatMap { try Self.results($0) }
        #expect(results.count == Self.expectedPassed)
        #expect(results.filter(\.passed).count == Self.expectedPassed)
        #expect(results.map(\.pinnedRuns).reduce(0, +) == Self.expectedPinnedRuns)
        #expect(results.map(\.rangeRuns).reduce(0, +) == Self.expectedRangeRuns)
    }

    /// The runner is not lenient: changing the first expected value of every case makes each of them fail.
    @Test("a changed expected value fails the case", arguments: files)
    func mutatedExpectationsFail(file: String) throws {
        let (text, mutatedLines) = Self.mutatingFirstExpectedValues(try Self.text(of: file))
        let results = try PromQLTestScript(parsing: text).run()
        let failed = Set(results.filter { !$0.passed }.map(\.line))
        #expect(!mutatedLines.isEmpty)
        #expect(failed == mutatedLines)
    }

    /// `text` with the value on the line after each `eval` (when it is a finite number) replaced by a
    /// clearly different one; returns the lines of the `eval` commands changed.
    static func mutatingFirstExpectedValues(_ text: String) -> (String, Set<Int>) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var mutated: Set<Int> = []
        for index in lines.indices.dropLast() where lines[index].hasPrefix("eval") {
            let expected = lines[index + 1]
            let trimmed = expected.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"),
                let range = expected.range(of: "[^ \t]+$", options: .regularExpression),
                let value = Double(expected[range]), value.isFinite
            else { continue }
            lines[index + 1] = expected.replacingCharacters(in: range, with: "\(value + 1 + value.magnitude)")
            mutated.insert(index + 1)
        }
        return (lines.joined(separator: "\n"), mutated)
    }

    /// The shared copy next to the repository (`../shared/promql-testdata`), when it is there.
    static let sharedDirectory = testdataDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/promql-testdata")

    @Test("the copies are identical to the project's shared test data", arguments: files + ["LICENSE", "NOTICE"])
    func copyIsUnmodified(file: String) throws {
        let shared = Self.sharedDirectory.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: shared.path) else { return }
        let copy = try Data(contentsOf: testdataDirectory.appendingPathComponent(file))
        #expect(copy == (try Data(contentsOf: shared)))
    }

}

/// The folder of the copied Prometheus test data, next to this source file.
let testdataDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("testdata/prometheus-v2.42")
