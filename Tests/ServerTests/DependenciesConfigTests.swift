import Fleet
import Model
import Testing
import YAMLConfig

@testable import Server

/// The `dependencies:` section: matchers on agent labels and the agents depended on; every error names the file,
/// line, key and problem.
struct DependenciesConfigTests {
    @Test func readsEntriesInOrder() throws {
        let config = try ExporterConfig.parse(
            """
            dependencies:
              - matchers: ['agent_type="worker"', 'team=~"a|b"']
                depends_on: [planner-1, db-writer]
              - matchers: ['agent="planner-1"']
                depends_on: [db-writer]
            """, file: "hx.yml")
        #expect(config.dependencies.map(\.dependsOn) == [["planner-1", "db-writer"], ["db-writer"]])
        #expect(config.dependencies.first?.matchers.count == 2)
        #expect(Exporter.registryConfiguration(config, ExporterOptions()).dependencyRules == config.dependencies)
        let rendered = ConfigRendering.yaml(config)
        #expect(
            try ExporterConfig.parse(rendered, file: "rendered.yml").dependencies == config.dependencies, "\(rendered)")
    }

    static let seventeen = (1...17).map { "p\($0)" }.joined(separator: ", ")

    @Test(arguments: [
        (
            "dependencies:\n  - matchers: ['agent=\"a\"']\n    depends_on: [b]\n  - matchers: ['agent=\"b\"']\n    depends_on: [a]\n",
            "hx.yml:4:5: dependencies[1].depends_on: would close a dependency cycle: b → a → b"
        ),
        (
            "dependencies:\n  - matchers: ['agent=~\"p.*\"']\n    depends_on: [planner]\n",
            "hx.yml:2:5: dependencies[0].depends_on: would close a dependency cycle: planner → planner"
        ),
        (
            "dependencies:\n  - matchers: ['agent=>\"a\"']\n    depends_on: [b]\n",
            "hx.yml:2:16: dependencies[0].matchers[0]: matcher value contains unescaped double quote: >\"a\""
        ),
        (
            "dependencies:\n  - matchers: ['agent=\"a\"']\n    depends_on: [\(seventeen)]\n",
            "hx.yml:3:17: dependencies[0].depends_on: at most 16 agents, got 17"
        ),
        (
            "dependencies:\n  - matchers: ['agent=\"a\"']\n    depends_on: [b, 'no spaces']\n",
            "hx.yml:3:21: dependencies[0].depends_on[1]: must be an agent name: 1-128 characters of [A-Za-z0-9_.:-]"
        ),
        (
            "dependencies:\n  - matchers: ['agent=\"a\"']\n",
            "hx.yml:2:5: dependencies[0].depends_on: an entry needs depends_on"
        ),
        (
            "dependencies:\n  - depends_on: [b]\n",
            "hx.yml:2:5: dependencies[0].matchers: an entry needs matchers"
        ),
        (
            "dependencies:\n  - matchers: ['agent=\"a\"']\n    depends_on: [b]\n    after: [c]\n",
            "hx.yml:4:5: dependencies[0].after: unknown key (allowed: depends_on, matchers)"
        ),
    ])
    func errorsNameFileLineKeyAndProblem(yaml: String, message: String) {
        expectRefused(yaml, saying: message)
    }
}
