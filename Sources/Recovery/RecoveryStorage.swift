import Model

/// Where the ladder runner keeps its runs, so that a restart of the exporter neither starts a step twice nor
/// forgets a wait: implemented by `Storage.SQLiteStorage` and, for unit tests, `TestSupport.InMemoryStorage`.
///
/// A run is saved whole (with its steps) each time it changes, and always before a step is carried out: a step
/// found started but unfinished when the runs are loaded again was interrupted by the restart.
public protocol RecoveryStorage: Sendable {
    /// Writes `run` with its steps, replacing what was stored under its ``RecoveryRun/id``.
    func saveRecoveryRun(_ run: RecoveryRun) throws(StorageError)
    /// The runs the runner needs after a restart: every unfinished run, every run started at or after `since`
    /// (for `max_runs_per_hour`), and each agent's latest run (shown by the API); in no particular order.
    func loadRecoveryRuns(startedSince since: Timestamp) throws(StorageError) -> [RecoveryRun]
    /// Deletes the finished runs that ended before `time`, keeping each agent's latest run.
    func deleteRecoveryRuns(endedBefore time: Timestamp) throws(StorageError)
}
