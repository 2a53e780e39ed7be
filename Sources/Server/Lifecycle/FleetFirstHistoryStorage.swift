import Fleet
import Model
import RuleManager

/// The rules' history checkpoint, written only after the fleet's pending changes are committed.
///
/// The checkpoint holds samples of the agents' counters taken from memory; the fleet is written every half
/// second. Had the checkpoint been written while a beat it sampled was not yet stored, a crash (`kill -9`) in
/// between would restore counters lower than the history's last samples: a counter reset to `rate()` and
/// `increase()`, which then count the whole counter as new (`AgentCostSpike` and `AgentRestartLoop` paged after
/// such a restart). Committing the fleet first makes every stored counter at least what the checkpoint holds.
/// When the fleet cannot be written, the checkpoint is not either: the previous one, older, stays.
struct FleetFirstHistoryStorage: RuleHistoryStorage {
    let history: any RuleHistoryStorage
    let persistence: FleetPersistence

    func saveRuleHistory(_ checkpoint: [UInt8]) throws(StorageError) {
        try persistence.commit()
        try history.saveRuleHistory(checkpoint)
    }

    func loadRuleHistory() throws(StorageError) -> [UInt8]? {
        try history.loadRuleHistory()
    }
}
