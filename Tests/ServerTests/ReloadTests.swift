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

        try "groups: [{name: broken, rules: [{alert: Down, expr: sgn(agent_up) == 0}]}]\n"
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let refused = api.send("POST", "/-/reload")

        #expect(refused.status == 400)
        #expect(
            refused.text
                == "failed to reload config: \(rules): 1:53: group \"broken\", rule 1, \"Down\": unsupported PromQL "
                + "construct: function \"sgn\" is outside the supported subset\n")
        #expect(api.send("GET", "/api/v1/rules").data.objectValue?["groups"]?.arrayValue?.count == 1)
        #expect(
            api.send("GET", "/api/v1/rules").data.objectValue?["groups"]?.arrayValue?.first?.objectValue?["name"]?
                .stringValue == "fleet")
    }
}
