import Fleet
import Logging
import RuleManager
import Rules
import TestSupport

/// A rule engine over `registry`, with the rules of `ruleFile` (named `file`) installed and `clock` as its time.
func installedEngine(
    _ ruleFile: String, file: String, registry: AgentRegistry, clock: ManualClock,
    store: InMemoryStorage = InMemoryStorage()
) throws -> RuleEngine {
    let engine = RuleEngine(registry: registry, store: store, clock: clock, logger: Logger(label: "test"))
    engine.install(
        try RuleFileLoader.parse(ruleFile, file: file), settings: RuleEvaluationSettings(), generatorLink: .page(""))
    return engine
}
