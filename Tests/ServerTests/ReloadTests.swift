import Foundation
import HTTP
@testable import Server
import Testing
import TestSupport

struct ReloadTests {
    @Test func aBrokenRuleFileRefusesTheReloadWith400AndKeepsTheRulesInForce() throws {
        let directory = TestPaths.temporaryDirectory("reload-rules")
        let rules = directory + "/fleet.yml"
        try "groups: [{name: fleet, rules: [{alert: Down, expr: agent_up == 0}]}]\n"
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let api = try APIFixture(config: "rule_files: ['\(rules)']\n")

        try "groups: [{name: broken, rules: [{alert: Down, expr: agent_up @ 1700000000 == 0}]}]\n"
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let refused = api.send("POST", "/-/reload")

        #expect(refused.status == 400)
        #expect(
            refused.text
                == "failed to reload config: \(rules): 1:53: group \"broken\", rule 1, \"Down\": @ modifier with a "
                + "fixed time (@ 1700000000.000, on the selector {__name__=\"agent_up\"}) cannot be used in a rule: "
                + "the rule history keeps only the window each evaluation reads back from its own time, so samples "
                + "at a fixed time fall out of it; use @ start() or @ end() (the evaluation time in a rule) or no @\n")
        #expect(api.send("GET", "/api/v1/rules").data.objectValue?["groups"]?.arrayValue?.count == 1)
        #expect(
            api.send("GET", "/api/v1/rules").data.objectValue?["groups"]?.arrayValue?.first?.objectValue?["name"]?
                .stringValue == "fleet")
    }
}
