import GRDB
import Model
import Recovery

extension SQLiteStorage: RecoveryStorage {
    /// Writes `run` and its steps in one transaction, replacing what was stored under its id.
    public func saveRecoveryRun(_ run: RecoveryRun) throws(StorageError) {
        do {
            try database.write { db in
                try db.execute(sql: RecoveryRunRow.upsertSQL, arguments: RecoveryRunRow.arguments(for: run))
                try db.execute(sql: "DELETE FROM recovery_step WHERE run_id = ?", arguments: [run.id])
                let insert = try db.cachedStatement(sql: RecoveryRunRow.insertStepSQL)
                for (position, step) in run.steps.enumerated() {
                    try insert.execute(arguments: RecoveryRunRow.arguments(for: step, of: run.id, at: position))
                }
            }
        } catch {
            throw StorageError(path: database.path, message: "saving recovery run \(run.id) failed: \(error)")
        }
    }

    /// The unfinished runs, the runs started at or after `since` and each agent's latest run, with their steps.
    /// - Throws: ``StorageError`` when the tables cannot be read or a stored trigger or outcome is unknown.
    public func loadRecoveryRuns(startedSince since: Timestamp) throws(StorageError) -> [RecoveryRun] {
        let runRows: [Row]
        let stepRows: [Row]
        do {
            (runRows, stepRows) = try database.read { db in
                let runs = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM recovery_run r
                        WHERE ended_at IS NULL OR started_at >= ?
                           OR started_at = (SELECT MAX(started_at) FROM recovery_run WHERE agent = r.agent)
                        """, arguments: [since.milliseconds])
                let steps = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT s.* FROM recovery_step s JOIN recovery_run r ON r.id = s.run_id
                        WHERE r.ended_at IS NULL OR r.started_at >= ?
                           OR r.started_at = (SELECT MAX(started_at) FROM recovery_run WHERE agent = r.agent)
                        ORDER BY s.run_id, s.position
                        """, arguments: [since.milliseconds])
                return (runs, steps)
            }
        } catch {
            throw StorageError(path: database.path, message: "reading recovery runs failed: \(error)")
        }
        return try RecoveryRunRow.runs(runRows, steps: stepRows, path: database.path)
    }

    /// Deletes the finished runs that ended before `time`, except each agent's latest.
    public func deleteRecoveryRuns(endedBefore time: Timestamp) throws(StorageError) {
        do {
            try database.write { db in
                let doomed = """
                    SELECT id FROM recovery_run r WHERE ended_at IS NOT NULL AND ended_at < ?
                      AND started_at < (SELECT MAX(started_at) FROM recovery_run WHERE agent = r.agent)
                    """
                try db.execute(
                    sql: "DELETE FROM recovery_step WHERE run_id IN (\(doomed))", arguments: [time.milliseconds])
                try db.execute(sql: "DELETE FROM recovery_run WHERE id IN (\(doomed))", arguments: [time.milliseconds])
            }
        } catch {
            throw StorageError(path: database.path, message: "deleting recovery runs failed: \(error)")
        }
    }
}

/// Maps a ``RecoveryRun`` to rows of `recovery_run` and `recovery_step` (times in INTEGER milliseconds).
enum RecoveryRunRow {
    static let upsertSQL = """
        INSERT OR REPLACE INTO recovery_run
            (id, agent, ladder, trigger, started_at, ended_at, outcome, outcome_detail, problem)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let insertStepSQL = """
        INSERT INTO recovery_step (run_id, position, name, started_at, finished_at, outcome, summary, output)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func arguments(for run: RecoveryRun) -> StatementArguments {
        let (outcome, detail) = columns(run.outcome)
        return [
            run.id, run.agent, run.ladder, run.trigger.rawValue, run.startedAt.milliseconds,
            run.endedAt?.milliseconds, outcome, detail, run.problem,
        ]
    }

    static func arguments(for step: RecoveryRun.Step, of runID: String, at position: Int) -> StatementArguments {
        [
            runID, position, step.name, step.startedAt.milliseconds, step.finishedAt?.milliseconds,
            step.outcome?.rawValue, step.summary, step.output,
        ]
    }

    /// The outcome as its `result` and its detail (the step that recovered, the reason for a cancellation).
    static func columns(_ outcome: RecoveryRun.Outcome?) -> (String?, String?) {
        switch outcome {
        case nil: (nil, nil)
        case .recovered(let step): ("recovered", step)
        case .exhausted: ("exhausted", nil)
        case .refused: ("refused", nil)
        case .cancelled(let reason): ("cancelled", reason)
        }
    }

    /// The runs of `runRows`, each with its steps from `stepRows` (in position order); `path` names the storage in
    /// errors.
    static func runs(_ runRows: [Row], steps stepRows: [Row], path: String) throws(StorageError) -> [RecoveryRun] {
        var steps: [String: [RecoveryRun.Step]] = [:]
        for row in stepRows {
            let runID: String = row["run_id"]
            let outcome: String? = row["outcome"]
            let finished: Int64? = row["finished_at"]
            steps[runID, default: []].append(
                RecoveryRun.Step(
                    name: row["name"], startedAt: Timestamp(storedMilliseconds: row["started_at"]),
                    finishedAt: finished.map(Timestamp.init(storedMilliseconds:)),
                    outcome: outcome.flatMap(StepOutcome.init(rawValue:)), summary: row["summary"],
                    output: row["output"]))
        }
        var runs: [RecoveryRun] = []
        for row in runRows {
            let id: String = row["id"]
            guard let trigger = RecoveryTrigger(rawValue: row["trigger"]) else {
                throw StorageError(path: path, message: "recovery run \(id): unknown trigger")
            }
            let ended: Int64? = row["ended_at"]
            runs.append(
                RecoveryRun(
                    id: id, agent: row["agent"], ladder: row["ladder"], trigger: trigger,
                    startedAt: Timestamp(storedMilliseconds: row["started_at"]), steps: steps[id] ?? [],
                    outcome: outcome(row["outcome"], detail: row["outcome_detail"]),
                    endedAt: ended.map(Timestamp.init(storedMilliseconds:)), problem: row["problem"]))
        }
        return runs
    }

    static func outcome(_ result: String?, detail: String?) -> RecoveryRun.Outcome? {
        switch result {
        case "recovered": .recovered(by: detail)
        case "exhausted": .exhausted
        case "refused": .refused
        case "cancelled": .cancelled(detail ?? "")
        default: nil
        }
    }
}
