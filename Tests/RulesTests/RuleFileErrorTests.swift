import Rules
import Testing

/// Each bad rule file and the exact message `promtool check rules` 2.42 prints for it (the last two are
/// this engine's own limits, which promtool accepts).
private let badFiles: [(file: String, message: String)] = [
    (
        "alert_and_record.bad.yaml",
        "alert_and_record.bad.yaml: 4:17: 5:16: group \"fleet\", rule 1, \"AgentDown\": only one of 'record' and 'alert' must be set"
    ),
    ("bad_duration.bad.yaml", "bad_duration.bad.yaml: not a valid duration string: \"5 minutes\""),
    ("duplicate_group.bad.yaml", "duplicate_group.bad.yaml: 6:5: groupname: \"fleet\" is repeated in the same file"),
    ("empty_group_name.bad.yaml", "empty_group_name.bad.yaml: 2:5: Groupname must not be empty"),
    (
        "invalid_expr.bad.yaml",
        "invalid_expr.bad.yaml: 5:15: group \"fleet\", rule 1, \"AgentDown\": could not parse expression: 1:12: parse error: unexpected end of input"
    ),
    (
        "invalid_label_name.bad.yaml",
        "invalid_label_name.bad.yaml: group \"fleet\", rule 1, \"AgentDown\": invalid label name: team-name"
    ),
    (
        "invalid_record_name.bad.yaml",
        "invalid_record_name.bad.yaml: 4:17: group \"fleet\", rule 1, \"agent-up\": invalid recording rule name: agent-up"
    ),
    (
        "invalid_template.bad.yaml",
        "invalid_template.bad.yaml: group \"fleet\", rule 1, \"AgentDown\": annotation \"summary\": template: __alert_AgentDown:1: function \"nosuchfunction\" not defined"
    ),
    (
        "keep_firing_record.bad.yaml",
        "keep_firing_record.bad.yaml: 4:17: group \"fleet\", rule 1, \"agent:up\": invalid field 'keep_firing_for' in recording rule"
    ),
    (
        "missing_expr.bad.yaml",
        "missing_expr.bad.yaml: 0:0: group \"fleet\", rule 1, \"AgentDown\": field 'expr' must be set in rule"
    ),
    (
        "neither_alert_nor_record.bad.yaml",
        "neither_alert_nor_record.bad.yaml: 0:0: group \"fleet\", rule 1, \"\": one of 'record' or 'alert' must be set"
    ),
    (
        "record_and_for.bad.yaml",
        "record_and_for.bad.yaml: 4:17: group \"fleet\", rule 1, \"job:up:sum\": invalid field 'for' in recording rule"
    ),
    (
        "record_annotations.bad.yaml",
        "record_annotations.bad.yaml: 4:17: group \"fleet\", rule 1, \"agent:up\": invalid field 'annotations' in recording rule"
    ),
    (
        "unclosed_template.bad.yaml",
        "unclosed_template.bad.yaml: group \"fleet\", rule 1, \"AgentDown\": annotation \"summary\": template: __alert_AgentDown:1: unexpected EOF"
    ),
    (
        "unknown_field.bad.yaml",
        "unknown_field.bad.yaml: yaml: unmarshal errors:\n  line 6: field severity not found in type rulefmt.RuleNode"
    ),
    (
        "yaml_syntax.bad.yaml",
        "yaml_syntax.bad.yaml: yaml: line 3: did not find expected '-' indicator\nyaml_syntax.bad.yaml: yaml: line 3: did not find expected '-' indicator"
    ),
    (
        "unsupported_fixed_at_time.bad.yaml",
        "unsupported_fixed_at_time.bad.yaml: 5:15: group \"fleet\", rule 1, \"AgentDown\": @ modifier with a fixed time "
            + "(@ 1700000000.000, on the selector {__name__=\"agent_up\"}) cannot be used in a rule: the rule history "
            + "keeps only the window each evaluation reads back from its own time, so samples at a fixed time fall "
            + "out of it; use @ start() or @ end() (the evaluation time in a rule) or no @"
    ),
    (
        "unsupported_template_function.bad.yaml",
        "unsupported_template_function.bad.yaml: group \"fleet\", rule 1, \"AgentDown\": annotation \"summary\": template: __alert_AgentDown:1: template function \"query\" is outside the supported subset"
    ),
]

@Suite struct RuleFileErrorTests {
    @Test(arguments: badFiles)
    func badFileIsRefusedWithPromtoolsMessage(file: String, message: String) throws {
        let text = try testdataText("bad/" + file)
        #expect(throws: RuleFileErrors.self) { try RuleFileLoader.parse(text, file: file) }
        do {
            _ = try RuleFileLoader.parse(text, file: file)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func everyBadFileIsInTheTable() throws {
        let names = try FileManager.default.contentsOfDirectory(
            atPath: testdataDirectory.appendingPathComponent("bad").path)
        #expect(Set(names) == Set(badFiles.map(\.file)))
    }

    @Test func allProblemsOfAFileAreReportedInFileOrder() throws {
        let text = """
            groups:
              - name: fleet
                rules:
                  - alert: A
                    expr: up ==
                  - record: r
                    expr: up
                    for: 1m
            """
        do {
            _ = try RuleFileLoader.parse(text, file: "x.yml")
            Issue.record("expected errors")
        } catch {
            #expect(
                error.errors.map(\.description) == [
                    "x.yml: 5:15: group \"fleet\", rule 1, \"A\": could not parse expression: 1:6: parse error: unexpected end of input",
                    "x.yml: 6:17: group \"fleet\", rule 2, \"r\": invalid field 'for' in recording rule",
                ])
        }
    }

    @Test func shippedRuleFilesLoad() throws {
        let groups = try RuleFileLoader.load([shippedRulesDirectory.path + "/*.yml"])
        #expect(
            groups.map(\.name) == [
                "exporter", "agent-health", "watchdog", "jobs", "expected-fleet", "agent-streaks", "agent-work",
            ])
        #expect(RuleFileLoader.ruleCount(groups) == 18)
        #expect(groups.first?.interval == .seconds(15))
    }

    @Test func duplicateRulesAreReportedAsPromtoolsLint() throws {
        let groups = try RuleFileLoader.parse(testdataText("lint/duplicate_rules.yml"), file: "duplicate_rules.yml")
        #expect(
            DuplicateRuleLint.message(for: groups) == """
                lint error 3 duplicate rule(s) found.
                Metric: X
                Label(s):
                Metric: a:b
                Label(s):
                \tx: 1
                \ty: 2
                Metric: c
                Label(s):
                Might cause inconsistency while recording expressions
                """)
        #expect(DuplicateRuleLint.message(for: try RuleFileLoader.load([shippedRulesDirectory.path + "/*.yml"])) == nil)
    }

    @Test func missingFileIsAnError() {
        #expect(throws: RuleFileErrors.self) { try RuleFileLoader.load(["/nonexistent/rules.yml"]) }
    }
}

import Foundation
import Model
