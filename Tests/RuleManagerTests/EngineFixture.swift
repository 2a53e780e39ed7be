import Fleet
import Logging
import Model
import RuleManager
import Rules
import TestSupport

/// A rule engine over `registry`, with the rules of `ruleFile` (named `file`) installed and `clock` as its time;
/// the history checkpointed to `historyStore` every `checkpointInterval` when one is given.
func installedEngine(
    _ ruleFile: String, file: String, registry: AgentRegistry, clock: ManualClock,
    store: InMemoryStorage = InMemoryStorage(), historyStore: (any RuleHistoryStorage)? = nil,
    checkpointInterval: PrometheusDuration = RuleEngine.defaultCheckpointInterval
) throws -> RuleEngine {
    let engine = RuleEngine(
        registry: registry, store: store, clock: clock, logger: Logger(label: "test"), historyStore: historyStore)
    engine.install(
        try RuleFileLoader.parse(ruleFile, file: file), settings: RuleEvaluationSettings(), generatorLink: .page(""),
        checkpointInterval: checkpointInterval)
    return engine
}
