import GRDB
import Model
import Recovery

extension PostgresStorage: RecoveryStorage {
    /// Writes `run` and its steps in one transaction, replacing what was stored under its id.
    public func saveRecoveryRun(_ run: RecoveryRun) throws(StorageError) {
        let (outcome, detail) = RecoveryRunRow.columns(run.outcome)
        try connection.transaction("saving recovery run \(run.id)") { session in
            try session.execute(
                """
                INSERT INTO recovery_run (id, agent, ladder, trigger, started_at, ended_at, outcome, outcome_detail, problem)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (id) DO UPDATE SET agent = EXCLUDED.agent, ladder = EXCLUDED.ladder,
                    trigger = EXCLUDED.trigger, started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at,
                    outcome = EXCLUDED.outcome, outcome_detail = EXCLUDED.outcome_detail, problem = EXCLUDED.problem
                """,
                [
                    run.id, run.agent, run.ladder, run.trigger.rawValue, run.startedAt.milliseconds,
                    run.endedAt?.milliseconds, outcome, detail, run.problem,
                ])
            try session.execute("DELETE FROM recovery_step WHERE run_id = $1", [run.id])
            for (position, step) in run.steps.enumerated() {
                try session.execute(
                    """
                    INSERT INTO recovery_step (run_id, position, name, started_at, finished_at, outcome, summary, output)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    """,
                    [
                        run.id, position, step.name, step.startedAt.milliseconds, step.finishedAt?.milliseconds,
                        step.outcome?.rawValue, step.summary, step.output,
                    ])
            }
        }
    }

    /// The unfinished runs, the runs started at or after `since` and each agent's latest run, with their steps.
    /// - Throws: ``StorageError`` when the tables cannot be read or a stored trigger or outcome is unknown.
    public func loadRecoveryRuns(startedSince since: Timestamp) throws(StorageError) -> [RecoveryRun] {
        let wanted = """
            r.ended_at IS NULL OR r.started_at >= $1
               OR r.started_at = (SELECT MAX(started_at) FROM recovery_run WHERE agent = r.agent)
            """
        let (runRows, stepRows) = try connection.transaction("reading recovery runs") { session in
            (
                try session.execute("SELECT r.* FROM recovery_run r WHERE \(wanted)", [since.milliseconds]),
                try session.execute(
                    """
                    SELECT s.* FROM recovery_step s JOIN recovery_run r ON r.id = s.run_id WHERE \(wanted)
                    ORDER BY s.run_id, s.position
                    """, [since.milliseconds])
            )
        }
        return try RecoveryRunRow.runs(runRows, steps: stepRows, path: location)
    }

    /// Deletes the finished runs that ended before `time`, except each agent's latest (their steps go with them).
    public func deleteRecoveryRuns(endedBefore time: Timestamp) throws(StorageError) {
        try connection.transaction("deleting recovery runs") { session in
            try session.execute(
                """
                DELETE FROM recovery_run r WHERE ended_at IS NOT NULL AND ended_at < $1
                  AND started_at < (SELECT MAX(started_at) FROM recovery_run WHERE agent = r.agent)
                """, [time.milliseconds])
        }
    }
}
