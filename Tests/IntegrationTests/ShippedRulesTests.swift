import Foundation
import Testing
import TestSupport

/// `promtool` 2.42 and `heartbeat-exporter rules …` over the same files must agree: same exit status, and
/// byte-identical output where promtool's output is deterministic.
@Suite(.serialized) struct ShippedRulesTests {
    private static let root = TestPaths.packageRoot
    private static let shippedTests = files(in: "rules/tests", suffix: "_test.yml")
    private static let failingTests = files(in: "Tests/RulesTests/testdata/failing", suffix: "_test.yml")
    private static let shippedRules = files(in: "rules", suffix: ".yml")
    /// Rule tests of rules using PromQL beyond the first subset (predict_linear, a subquery,
    /// quantile_over_time, stddev_over_time, @).
    private static let fullPromQLTests = files(in: "Tests/RulesTests/testdata/passing", suffix: "_test.yml")
    /// Bad rule files promtool also refuses (the `unsupported_*` ones are this engine's own limits).
    private static let badRuleFiles = files(in: "Tests/RulesTests/testdata/bad", suffix: ".bad.yaml")
        .filter { !$0.hasPrefix("unsupported_") }

    private static func files(in folder: String, suffix: String) -> [String] {
        let path = root.appendingPathComponent(folder).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted()
    }

    /// Runs `promtool <command> rules FILES` and `heartbeat-exporter rules <command> FILES` in `folder`.
    private func both(_ command: String, _ files: [String], in folder: String) async throws
        -> (ExternalTool.Result, ExternalTool.Result)
    {
        let directory = Self.root.appendingPathComponent(folder).path
        let script = "cd \"$0\" && exec \"$@\""
        let promtool = try await ExternalTool.run(
            "/bin/sh",
            [
                "-c", script, directory, try ExternalTool.path("promtool"),
                command, "rules",
            ] + files)
        let ours = try await ExternalTool.run(
            "/bin/sh",
            ["-c", script, directory, ExporterProcess.binary, "rules", command]
                + files)
        return (promtool, ours)
    }

    @Test func thereAreShippedTestsAndFailingCases() {
        #expect(Self.shippedTests.count >= 2)
        #expect(Self.fullPromQLTests.count >= 1)
        #expect(Self.failingTests.count >= 5)
        #expect(Self.badRuleFiles.count >= 10)
    }

    @Test(arguments: shippedTests)
    func shippedRuleTestsPassUnderBothTools(file: String) async throws {
        let (promtool, ours) = try await both("test", [file], in: "rules/tests")
        #expect(promtool.status == 0, "promtool: \(promtool.stderr)")
        #expect(ours.status == 0, "heartbeat-exporter: \(ours.stderr)")
        #expect(ours.stdout == promtool.stdout)
    }

    @Test(arguments: fullPromQLTests)
    func rulesBeyondTheFirstSubsetPassUnderBothTools(file: String) async throws {
        let (promtool, ours) = try await both("test", [file], in: "Tests/RulesTests/testdata/passing")
        #expect(promtool.status == 0, "promtool: \(promtool.stderr)")
        #expect(ours.status == 0, "heartbeat-exporter: \(ours.stderr)")
        #expect(ours.stdout == promtool.stdout)
    }

    @Test func rulesBeyondTheFirstSubsetPassRulesCheckUnderBothTools() async throws {
        let (promtool, ours) = try await both("check", ["forecast.yml"], in: "Tests/RulesTests/testdata/passing")
        #expect(promtool.status == 0, "promtool: \(promtool.stderr)")
        #expect(ours.status == 0, "heartbeat-exporter: \(ours.stderr)")
        #expect(ours.stdout == promtool.stdout)
    }

    @Test(arguments: failingTests)
    func failingRuleTestsFailIdenticallyUnderBothTools(file: String) async throws {
        let (promtool, ours) = try await both("test", [file], in: "Tests/RulesTests/testdata/failing")
        #expect(promtool.status == 1)
        #expect(ours.status == 1)
        #expect(ours.stdout == promtool.stdout)
        #expect(ours.stderr == promtool.stderr)
    }

    @Test func shippedRuleFilesPassRulesCheckUnderBothTools() async throws {
        let (promtool, ours) = try await both("check", Self.shippedRules, in: "rules")
        #expect(promtool.status == 0, "promtool: \(promtool.stderr)")
        #expect(ours.status == 0, "heartbeat-exporter: \(ours.stderr)")
        #expect(ours.stdout == promtool.stdout)
    }

    @Test(arguments: badRuleFiles)
    func badRuleFilesAreRefusedIdenticallyByBothTools(file: String) async throws {
        let (promtool, ours) = try await both("check", [file], in: "Tests/RulesTests/testdata/bad")
        #expect(promtool.status == 1)
        #expect(ours.status == 1)
        #expect(ours.stdout == promtool.stdout)
        #expect(ours.stderr == promtool.stderr)
    }

    @Test func duplicateRulesAreALintErrorUnderBothTools() async throws {
        let (promtool, ours) = try await both("check", ["duplicate_rules.yml"], in: "Tests/RulesTests/testdata/lint")
        #expect(promtool.status == 0)
        #expect(ours.status == 0)
        #expect(ours.stdout == promtool.stdout)
        #expect(ours.stderr == promtool.stderr)
    }
}
