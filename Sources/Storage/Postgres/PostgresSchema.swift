import Model

/// The PostgreSQL schema: the same versions, under the same names, as SQLite's (``Schema``), each in PostgreSQL's
/// types (REAL → DOUBLE PRECISION, INTEGER → BIGINT, BLOB → BYTEA). The applied versions are recorded in
/// `schema_migrations`; several exporters starting at once migrate one after another under an advisory lock.
///
/// A version added to ``Schema`` must be added here under the same name (`PostgresSchemaTests` compares the lists).
enum PostgresSchema {
    /// The key of the session-level advisory lock held while migrating (`pg_advisory_lock`). Other advisory locks of
    /// the exporter (the rule evaluator's election) must use other keys.
    static let migrationLockKey: Int64 = 0x6862_6578_0001

    /// Every version in order: its name (as in SQLite's `grdb_migrations`) and its statements.
    static let migrations: [(identifier: String, sql: String)] = [
        ("v1: agents and transitions", agentsAndTransitions),
        ("v2: alert state", alertState),
        ("v3: silences and notification log", silencesAndNotificationLog),
        ("v4: rule history", ruleHistory),
        ("v5: recovery runs", recoveryRuns),
        ("v6: agent schedules", agentSchedules),
        ("v7: job runs", jobRuns),
        ("v8: acknowledgements", acknowledgements),
        (Schema.agentLifecycle, agentLifecycle),
        ("v10: alert history", alertHistory),
        (Schema.agentDependencies, "ALTER TABLE agent ADD COLUMN depends_on TEXT NOT NULL DEFAULT '[]';"),
        (Schema.agentActivity, agentActivity),
        (Schema.noticesAndMutingCauses, noticesAndMutingCauses),
        (
            Schema.fleetActivity,
            "CREATE TABLE fleet_activity (start BIGINT PRIMARY KEY NOT NULL, cost DOUBLE PRECISION NOT NULL, states TEXT);"
        ),
        (Schema.sharedFleet, sharedFleet),
    ]

    /// Brings the database up to date: waits for the migration lock, applies each missing version in its own
    /// transaction with its record, and releases the lock.
    /// - Throws: ``PostgresError`` when a statement fails, or ``SchemaTooNew`` when the database holds versions this
    ///   exporter does not know (a newer exporter migrated it).
    static func migrate(_ session: PostgresSession) throws {
        try session.execute("SELECT pg_advisory_lock($1)", [migrationLockKey])
        defer { _ = try? session.execute("SELECT pg_advisory_unlock($1)", [migrationLockKey]) }
        try session.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
            """)
        let applied = Set(
            try session.execute("SELECT identifier FROM schema_migrations").map { $0["identifier"] as String })
        let unknown = applied.subtracting(migrations.map(\.identifier))
        guard unknown.isEmpty else { throw SchemaTooNew(unknown: unknown.sorted()) }
        for migration in migrations where !applied.contains(migration.identifier) {
            try session.execute("BEGIN")
            do {
                try session.executeScript(migration.sql)
                try session.execute("INSERT INTO schema_migrations (identifier) VALUES ($1)", [migration.identifier])
                try session.execute("COMMIT")
            } catch {
                _ = try? session.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// The database was migrated by a newer exporter: this one would misread or damage it.
    struct SchemaTooNew: Error, CustomStringConvertible {
        var unknown: [String]
        var description: String {
            "the database has schema versions this exporter does not know (\(unknown.joined(separator: ", "))): "
                + "it was migrated by a newer heartbeat-exporter"
        }
    }

    private static let agentsAndTransitions = """
        CREATE TABLE agent (
            name TEXT PRIMARY KEY NOT NULL,
            agent_type TEXT, host TEXT, labels TEXT NOT NULL DEFAULT '[]',
            run_id TEXT, seq BIGINT, interval_seconds DOUBLE PRECISION,
            self_reported_status TEXT, current_task TEXT,
            first_seen DOUBLE PRECISION NOT NULL, last_beat DOUBLE PRECISION NOT NULL,
            heartbeats DOUBLE PRECISION NOT NULL, restarts DOUBLE PRECISION NOT NULL,
            tasks_succeeded DOUBLE PRECISION NOT NULL, tasks_failed DOUBLE PRECISION NOT NULL,
            cost_usd DOUBLE PRECISION NOT NULL, tokens DOUBLE PRECISION NOT NULL, errors DOUBLE PRECISION NOT NULL,
            queue_depth DOUBLE PRECISION, active_tasks DOUBLE PRECISION, memory_bytes DOUBLE PRECISION,
            task_progress DOUBLE PRECISION,
            duration_bounds TEXT NOT NULL, duration_counts TEXT NOT NULL,
            duration_sum DOUBLE PRECISION NOT NULL, duration_count BIGINT NOT NULL,
            killed_at DOUBLE PRECISION, killed_by TEXT, killed_reason TEXT,
            stopped_at DOUBLE PRECISION, stopped_by TEXT, stopped_reason TEXT,
            recorded_state TEXT NOT NULL, state_since DOUBLE PRECISION NOT NULL
        );
        CREATE TABLE transition (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            agent TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL, reason TEXT NOT NULL
        );
        CREATE INDEX transition_by_agent ON transition(agent, id);
        """

    private static let alertState = """
        CREATE TABLE alert (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            file TEXT NOT NULL, rule_group TEXT NOT NULL, rule TEXT NOT NULL,
            labels TEXT NOT NULL, annotations TEXT NOT NULL, state TEXT NOT NULL,
            active_at BIGINT NOT NULL, fired_at BIGINT, resolved_at BIGINT, last_sent_at BIGINT,
            valid_until BIGINT, keep_firing_since BIGINT, value DOUBLE PRECISION
        );
        CREATE INDEX alert_by_group ON alert(file, rule_group);
        """

    private static let silencesAndNotificationLog = """
        CREATE TABLE silence (
            id TEXT PRIMARY KEY NOT NULL,
            matchers TEXT NOT NULL, starts_at DOUBLE PRECISION NOT NULL, ends_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL, created_by TEXT NOT NULL, comment TEXT NOT NULL
        );
        CREATE TABLE notification_log (
            receiver TEXT NOT NULL, integration TEXT NOT NULL, integration_index BIGINT NOT NULL,
            group_key TEXT NOT NULL, sent_at DOUBLE PRECISION NOT NULL,
            firing TEXT NOT NULL, resolved TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (receiver, integration, integration_index, group_key)
        );
        """

    private static let ruleHistory = """
        CREATE TABLE rule_history (
            id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
            checkpoint BYTEA NOT NULL
        );
        """

    private static let recoveryRuns = """
        CREATE TABLE recovery_run (
            id TEXT PRIMARY KEY NOT NULL,
            agent TEXT NOT NULL, ladder TEXT NOT NULL, trigger TEXT NOT NULL,
            started_at BIGINT NOT NULL, ended_at BIGINT, outcome TEXT, outcome_detail TEXT,
            problem TEXT
        );
        CREATE INDEX recovery_run_by_agent ON recovery_run(agent, started_at);
        CREATE TABLE recovery_step (
            run_id TEXT NOT NULL REFERENCES recovery_run(id) ON DELETE CASCADE,
            position BIGINT NOT NULL, name TEXT NOT NULL,
            started_at BIGINT NOT NULL, finished_at BIGINT, outcome TEXT, summary TEXT, output TEXT,
            PRIMARY KEY (run_id, position)
        );
        """

    private static let agentSchedules = """
        ALTER TABLE agent ADD COLUMN schedule_cron TEXT;
        ALTER TABLE agent ADD COLUMN schedule_timezone TEXT;
        ALTER TABLE agent ADD COLUMN schedule_grace DOUBLE PRECISION;
        """

    private static let jobRuns = """
        ALTER TABLE agent ADD COLUMN schedule_max_runtime DOUBLE PRECISION;
        ALTER TABLE agent ADD COLUMN run_started_at DOUBLE PRECISION;
        ALTER TABLE agent ADD COLUMN run_max_runtime DOUBLE PRECISION;
        ALTER TABLE agent ADD COLUMN last_run_started_at DOUBLE PRECISION;
        ALTER TABLE agent ADD COLUMN last_run_finished_at DOUBLE PRECISION;
        ALTER TABLE agent ADD COLUMN last_run_success BIGINT;
        ALTER TABLE agent ADD COLUMN last_run_exit_code BIGINT;
        ALTER TABLE agent ADD COLUMN last_run_output TEXT;
        """

    private static let agentLifecycle = """
        ALTER TABLE agent ADD COLUMN maintenance_starts_at DOUBLE PRECISION;
        ALTER TABLE agent ADD COLUMN maintenance_until DOUBLE PRECISION;
        ALTER TABLE agent ADD COLUMN maintenance_reason TEXT;
        ALTER TABLE agent ADD COLUMN maintenance_by TEXT;
        ALTER TABLE agent ADD COLUMN ephemeral BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE agent ADD COLUMN beat_grace DOUBLE PRECISION;
        ALTER TABLE agent ADD COLUMN consecutive_failures DOUBLE PRECISION NOT NULL DEFAULT 0;
        ALTER TABLE agent ADD COLUMN last_success_at DOUBLE PRECISION;
        ALTER TABLE agent ADD COLUMN last_failure_at DOUBLE PRECISION;
        ALTER TABLE agent ADD COLUMN last_task_duration DOUBLE PRECISION;
        """

    private static let acknowledgements = """
        CREATE TABLE acknowledgement (
            id TEXT PRIMARY KEY NOT NULL,
            matchers TEXT NOT NULL, created_by TEXT NOT NULL, comment TEXT NOT NULL,
            created_at BIGINT NOT NULL, ends_at BIGINT, alerts TEXT NOT NULL
        );
        """

    /// Counters move only by the deltas of beats new to the database (`heartbeat_receipt`, `agent_run`); every write
    /// of an agent takes the next `fleet_change_seq`, which the other nodes poll for (`change_seq`).
    private static let sharedFleet = """
        CREATE SEQUENCE fleet_change_seq;
        ALTER TABLE agent ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
        CREATE INDEX agent_by_change ON agent (change_seq);
        CREATE TABLE heartbeat_receipt (
            agent TEXT NOT NULL, run_id TEXT NOT NULL, seq BIGINT NOT NULL, received_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (agent, run_id, seq)
        );
        CREATE INDEX heartbeat_receipt_by_time ON heartbeat_receipt (received_at);
        CREATE TABLE agent_run (
            agent TEXT NOT NULL, run_id TEXT NOT NULL, first_seen DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (agent, run_id)
        );
        INSERT INTO agent_run (agent, run_id, first_seen) SELECT name, run_id, last_beat FROM agent WHERE run_id IS NOT NULL;
        CREATE TABLE agent_tombstone (
            name TEXT PRIMARY KEY NOT NULL, change_seq BIGINT NOT NULL, deleted_at DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX agent_tombstone_by_change ON agent_tombstone (change_seq);
        CREATE TABLE cluster_node (
            id TEXT PRIMARY KEY NOT NULL, address TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL,
            last_contact DOUBLE PRECISION NOT NULL, leader BIGINT NOT NULL DEFAULT 0, lock_pid BIGINT
        );
        CREATE FUNCTION heartbeat_exporter_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('heartbeat_exporter', TG_ARGV[0]);
            RETURN NULL;
        END $$;
        CREATE TRIGGER silence_changed AFTER INSERT OR UPDATE OR DELETE ON silence
            FOR EACH STATEMENT EXECUTE FUNCTION heartbeat_exporter_notify('silences');
        CREATE TRIGGER acknowledgement_changed AFTER INSERT OR UPDATE OR DELETE ON acknowledgement
            FOR EACH STATEMENT EXECUTE FUNCTION heartbeat_exporter_notify('acknowledgements');
        CREATE TRIGGER agent_buried AFTER INSERT OR UPDATE ON agent_tombstone
            FOR EACH STATEMENT EXECUTE FUNCTION heartbeat_exporter_notify('agents');
        CREATE TRIGGER agent_operated AFTER UPDATE ON agent FOR EACH ROW
            WHEN (OLD.killed_at IS DISTINCT FROM NEW.killed_at OR OLD.stopped_at IS DISTINCT FROM NEW.stopped_at
                OR OLD.maintenance_starts_at IS DISTINCT FROM NEW.maintenance_starts_at
                OR OLD.maintenance_until IS DISTINCT FROM NEW.maintenance_until)
            EXECUTE FUNCTION heartbeat_exporter_notify('agents');
        """

    private static let agentActivity = """
        CREATE TABLE agent_activity (
            agent TEXT NOT NULL, start BIGINT NOT NULL, beats BIGINT NOT NULL,
            succeeded BIGINT NOT NULL, failed BIGINT NOT NULL, cost DOUBLE PRECISION NOT NULL,
            tokens DOUBLE PRECISION NOT NULL, latency_p95 DOUBLE PRECISION, state TEXT NOT NULL,
            PRIMARY KEY (agent, start)
        );
        CREATE INDEX agent_activity_by_start ON agent_activity (start);
        """

    private static let noticesAndMutingCauses = """
        ALTER TABLE alert_episode ADD COLUMN maintenance_ms BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE alert_episode ADD COLUMN dependency_ms BIGINT NOT NULL DEFAULT 0;
        CREATE TABLE notice (
            fingerprint TEXT PRIMARY KEY NOT NULL, labels TEXT NOT NULL, annotations TEXT NOT NULL,
            starts_at BIGINT NOT NULL, ends_at BIGINT
        );
        """

    private static let alertHistory = """
        CREATE TABLE alert_episode (
            id TEXT PRIMARY KEY NOT NULL, fingerprint TEXT NOT NULL, labels TEXT NOT NULL,
            started_at BIGINT NOT NULL, fired_at BIGINT, resolved_at BIGINT, peak_value DOUBLE PRECISION,
            phase TEXT NOT NULL, muting BIGINT NOT NULL, accounted_until BIGINT NOT NULL,
            pending_ms BIGINT NOT NULL, firing_ms BIGINT NOT NULL, silenced_ms BIGINT NOT NULL,
            inhibited_ms BIGINT NOT NULL, acknowledged_ms BIGINT NOT NULL, killed_ms BIGINT NOT NULL
        );
        CREATE INDEX alert_episode_by_start ON alert_episode (started_at, id);
        CREATE INDEX alert_episode_by_resolution ON alert_episode (resolved_at);
        CREATE TABLE notification_attempt (
            id TEXT PRIMARY KEY NOT NULL, receiver TEXT NOT NULL, integration TEXT NOT NULL,
            group_key TEXT NOT NULL, group_labels TEXT NOT NULL, at BIGINT NOT NULL,
            status TEXT NOT NULL, result TEXT NOT NULL, attempt BIGINT NOT NULL, error TEXT NOT NULL,
            alert_count BIGINT NOT NULL
        );
        CREATE INDEX notification_attempt_by_time ON notification_attempt (at, id);
        """
}
