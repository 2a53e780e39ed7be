import Foundation
import Rules
import Testing

@Suite struct RuleUnitTesterTests {
    @Test(arguments: ["health_test.yml", "work_test.yml"])
    func shippedRuleTestsPass(file: String) {
        let path = shippedRulesDirectory.appendingPathComponent("tests").appendingPathComponent(file).path
        #expect(RuleUnitTester.run(file: path) == [])
    }

    @Test func failingTestReportsLikePromtool() throws {
        let path = testdataDirectory.appendingPathComponent("failing/for_interrupted_test.yml").path
        let failures = RuleUnitTester.run(file: path)
        let expected = try String(
            contentsOfFile: path.replacingOccurrences(of: "_test.yml", with: ".expected"),
            encoding: .utf8)
        #expect(failures.joined(separator: "\n") + "\n" == expected)
    }
}
