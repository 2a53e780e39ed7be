import Dispatch
import Model
import Series

extension RuleEngine {
    /// Whether the history checkpointed before a restart is still to be restored (the first ``tick()`` does it).
    public var historyRestorePending: Bool { state.withLock { $0.historyRestorePending } }

    /// Restores the history checkpointed before a restart if the first install left that to do; the rule thread's
    /// first ``tick()`` calls it before it samples or evaluates, after `/-/ready` (100,000 agents' history takes
    /// seconds to read).
    /// - Returns: false when the restore was abandoned for a shutdown (``abandonHistoryRestore()``): the stored
    ///   history is then still to be restored, and nothing is to be evaluated.
    @discardableResult
    public func restorePendingHistory() -> Bool {
        let pending = state.withLock { state in
            defer { state.historyRestorePending = false }
            return state.historyRestorePending
        }
        return !pending || restoreHistory()
    }

    /// Stops a restore of the stored history under way, and any later one, at shutdown: the stored history stays
    /// as it is (the final save does not replace it), and the rule thread evaluates nothing more. A shutdown
    /// right after a restart of 100,000 agents would otherwise wait for seconds of reading.
    public func abandonHistoryRestore() {
        restoreAbandoned.store(true, ordering: .releasing)
    }

    /// Restores the history checkpointed before a restart (once, before the first evaluation), keeping only
    /// what the loaded rules' retention needs. A checkpoint that cannot be read is logged and ignored.
    /// - Returns: false when the restore was abandoned (the history is still to be restored).
    @discardableResult
    func restoreHistory() -> Bool {
        guard let historyStore else { return true }
        guard !restoreAbandoned.load(ordering: .acquiring) else { return abandonRestore(logged: false) }
        let started = DispatchTime.now().uptimeNanoseconds
        let bytes: [UInt8]?
        do {
            bytes = try historyStore.loadRuleHistory()
        } catch {
            logger.error("cannot read the rule history; ranges start empty", metadata: ["error": "\(error)"])
            return true
        }
        guard let bytes else { return true }
        do {
            let restored = try history.restore(checkpoint: bytes) { restoreAbandoned.load(ordering: .acquiring) }
            logger.info(
                "rule history restored",
                metadata: [
                    "series": "\(restored.series)", "samples": "\(restored.samples)", "bytes": "\(bytes.count)",
                    "milliseconds": "\((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)",
                ])
        } catch let error where error.wasAbandoned {
            return abandonRestore()
        } catch {
            logger.error("ignoring the stored rule history; ranges start empty", metadata: ["error": "\(error)"])
        }
        return true
    }

    /// Leaves the stored history to be restored by the next start; `logged` says so in the log (once, for the
    /// restore that was under way).
    private func abandonRestore(logged: Bool = true) -> Bool {
        state.withLock { $0.historyRestorePending = true }
        if logged { logger.info("rule history restore abandoned for the shutdown; the stored history is kept") }
        return false
    }

    /// How much of the rule thread's time checkpoints may take: after one that took `d`, the next waits at least
    /// `d` times this (and at least the checkpoint interval). At 100,000 agents a checkpoint is 360 MB and takes
    /// seconds; every minute, it would take a large share of the thread the rules need, and of the disk.
    static let checkpointSpacingFactor: Int64 = 20

    /// Writes a checkpoint when the checkpoint interval has passed since the last one, and 20 times the last one's
    /// duration (``checkpointSpacingFactor``): called on the rule thread after an evaluation; the first evaluation
    /// only starts the interval.
    func checkpointIfDue(at now: Timestamp) {
        guard historyStore != nil else { return }
        // Whether a checkpoint is due, and whether the ones before were already spaced out beyond the interval.
        let due = state.withLock { state -> (spacedOut: Bool, interval: PrometheusDuration)? in
            guard let last = state.lastCheckpoint else {
                state.lastCheckpoint = now
                return nil
            }
            let spacing = Self.checkpointSpacing(state)
            guard now - last >= spacing else { return nil }
            state.lastCheckpoint = now
            return (spacing > state.checkpointInterval, state.checkpointInterval)
        }
        guard let due, let saved = saveHistory() else { return }
        let spacing = state.withLock { state in
            state.lastCheckpointDuration = .seconds(saved.seconds)
            return Self.checkpointSpacing(state)
        }
        let interval = due.interval
        if spacing > interval, !due.spacedOut {
            logger.info(
                "rule history checkpoints spaced out: one takes long enough that checkpoints every interval would hold up the rules",
                metadata: [
                    "seconds": "\(saved.seconds)", "bytes": "\(saved.bytes)", "interval": "\(interval)",
                    "next_after": "\(spacing)",
                ])
        }
    }

    /// The time between two checkpoints: the configured interval, or more after a slow checkpoint.
    private static func checkpointSpacing(_ state: State) -> PrometheusDuration {
        guard let took = state.lastCheckpointDuration else { return state.checkpointInterval }
        return max(
            state.checkpointInterval, PrometheusDuration(milliseconds: took.milliseconds * checkpointSpacingFactor))
    }

    /// The last checkpoint's time and duration, nil before the first.
    var lastCheckpoint: (at: Timestamp, duration: PrometheusDuration)? {
        state.withLock { state in
            guard let at = state.lastCheckpoint, let duration = state.lastCheckpointDuration else { return nil }
            return (at, duration)
        }
    }

    /// Writes the history to storage now (a checkpoint, and the final save at shutdown). A failure is logged;
    /// the previous checkpoint is kept.
    /// - Returns: the checkpoint's size in bytes and the seconds it took to encode and write (by the engine's clock,
    ///   to the millisecond); nil when there is
    ///   no storage for it, when the write failed, or while the stored history is still to be restored (saving
    ///   then would replace it with one not read yet: a node that never evaluated, a shutdown before the first
    ///   evaluation).
    @discardableResult
    public func saveHistory() -> (bytes: Int, seconds: Double)? {
        guard let historyStore, !historyRestorePending else { return nil }
        let started = clock.now()
        let bytes = history.checkpoint()
        do {
            try historyStore.saveRuleHistory(bytes)
        } catch {
            logger.error("saving the rule history failed", metadata: ["error": "\(error)"])
            return nil
        }
        let seconds = Double((clock.now() - started).milliseconds) / 1000
        logger.debug(
            "rule history saved", metadata: ["bytes": "\(bytes.count)", "seconds": "\(seconds)"])
        return (bytes.count, seconds)
    }
}
