import Model

/// Where the rule manager keeps the rules' sample history across restarts: one checkpoint, replaced whole.
///
/// The rule manager defines what it needs; `Storage` implements it on SQLite, `TestSupport` in memory. The
/// checkpoint is opaque here (``Series/SampleHistory/checkpoint()`` writes it, with its own version byte).
public protocol RuleHistoryStorage: Sendable {
    /// Replaces the stored checkpoint with `checkpoint`, atomically: a crash leaves the old one or the new one.
    /// - Throws: ``StorageError`` when the write fails; the previous checkpoint is then kept.
    func saveRuleHistory(_ checkpoint: [UInt8]) throws(StorageError)

    /// The stored checkpoint, nil when none was ever saved.
    /// - Throws: ``StorageError`` when it cannot be read.
    func loadRuleHistory() throws(StorageError) -> [UInt8]?
}
