import GRDB
import Model

/// The database schema, as a sequence of migrations applied in order.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: agents and transitions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE agent (
                        name TEXT PRIMARY KEY NOT NULL,
                        agent_type TEXT, host TEXT, labels TEXT NOT NULL DEFAULT '[]',
                        run_id TEXT, seq INTEGER, interval_seconds REAL,
                        self_reported_status TEXT, current_task TEXT,
                        first_seen REAL NOT NULL, last_beat REAL NOT NULL,
                        heartbeats REAL NOT NULL, restarts REAL NOT NULL,
                        tasks_succeeded REAL NOT NULL, tasks_failed REAL NOT NULL,
                        cost_usd REAL NOT NULL, tokens REAL NOT NULL, errors REAL NOT NULL,
                        queue_depth REAL, active_tasks REAL, memory_bytes REAL, task_progress REAL,
                        duration_bounds TEXT NOT NULL, duration_counts TEXT NOT NULL,
                        duration_sum REAL NOT NULL, duration_count INTEGER NOT NULL,
                        killed_at REAL, killed_by TEXT, killed_reason TEXT,
                        stopped_at REAL, stopped_by TEXT, stopped_reason TEXT,
                        recorded_state TEXT NOT NULL, state_since REAL NOT NULL
                    ) STRICT;
                    CREATE TABLE transition (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        agent TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL,
                        at REAL NOT NULL, reason TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX transition_by_agent ON transition(agent, id);
                    """)
        }
        migrator.registerMigration("v2: alert state") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alert (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        file TEXT NOT NULL, rule_group TEXT NOT NULL, rule TEXT NOT NULL,
                        labels TEXT NOT NULL, annotations TEXT NOT NULL, state TEXT NOT NULL,
                        active_at INTEGER NOT NULL, fired_at INTEGER, resolved_at INTEGER, last_sent_at INTEGER,
                        valid_until INTEGER, keep_firing_since INTEGER, value REAL
                    ) STRICT;
                    CREATE INDEX alert_by_group ON alert(file, rule_group);
                    """)
        }
        migrator.registerMigration("v3: silences and notification log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE silence (
                        id TEXT PRIMARY KEY NOT NULL,
                        matchers TEXT NOT NULL, starts_at REAL NOT NULL, ends_at REAL NOT NULL,
                        updated_at REAL NOT NULL, created_by TEXT NOT NULL, comment TEXT NOT NULL
                    ) STRICT;
                    CREATE TABLE notification_log (
                        receiver TEXT NOT NULL, integration TEXT NOT NULL, integration_index INTEGER NOT NULL,
                        group_key TEXT NOT NULL, sent_at REAL NOT NULL,
                        firing TEXT NOT NULL, resolved TEXT NOT NULL, expires_at REAL NOT NULL,
                        PRIMARY KEY (receiver, integration, integration_index, group_key)
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v4: rule history") { db in
            try db.execute(
                sql: """
                    CREATE TABLE rule_history (
                        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                        checkpoint BLOB NOT NULL
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v5: recovery runs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE recovery_run (
                        id TEXT PRIMARY KEY NOT NULL,
                        agent TEXT NOT NULL, ladder TEXT NOT NULL, trigger TEXT NOT NULL,
                        started_at INTEGER NOT NULL, ended_at INTEGER, outcome TEXT, outcome_detail TEXT,
                        problem TEXT
                    ) STRICT;
                    CREATE INDEX recovery_run_by_agent ON recovery_run(agent, started_at);
                    CREATE TABLE recovery_step (
                        run_id TEXT NOT NULL REFERENCES recovery_run(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL, name TEXT NOT NULL,
                        started_at INTEGER NOT NULL, finished_at INTEGER, outcome TEXT, summary TEXT, output TEXT,
                        PRIMARY KEY (run_id, position)
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v6: agent schedules") { db in
            try db.execute(
                sql: """
                    ALTER TABLE agent ADD COLUMN schedule_cron TEXT;
                    ALTER TABLE agent ADD COLUMN schedule_timezone TEXT;
                    ALTER TABLE agent ADD COLUMN schedule_grace REAL;
                    """)
        }
        migrator.registerMigration("v7: job runs") { db in
            try db.execute(
                sql: """
                    ALTER TABLE agent ADD COLUMN schedule_max_runtime REAL;
                    ALTER TABLE agent ADD COLUMN run_started_at REAL;
                    ALTER TABLE agent ADD COLUMN run_max_runtime REAL;
                    ALTER TABLE agent ADD COLUMN last_run_started_at REAL;
                    ALTER TABLE agent ADD COLUMN last_run_finished_at REAL;
                    ALTER TABLE agent ADD COLUMN last_run_success INTEGER;
                    ALTER TABLE agent ADD COLUMN last_run_exit_code INTEGER;
                    ALTER TABLE agent ADD COLUMN last_run_output TEXT;
                    """)
        }
        migrator.registerMigration("v8: acknowledgements") { db in
            try db.execute(
                sql: """
                    CREATE TABLE acknowledgement (
                        id TEXT PRIMARY KEY NOT NULL,
                        matchers TEXT NOT NULL, created_by TEXT NOT NULL, comment TEXT NOT NULL,
                        created_at INTEGER NOT NULL, ends_at INTEGER, alerts TEXT NOT NULL
                    ) STRICT;
                    """)
        }
        // Named by a constant: PostgresSchema registers the same version.
        migrator.registerMigration(Self.agentLifecycle) { db in
            try db.execute(
                sql: """
                    ALTER TABLE agent ADD COLUMN maintenance_starts_at REAL;
                    ALTER TABLE agent ADD COLUMN maintenance_until REAL;
                    ALTER TABLE agent ADD COLUMN maintenance_reason TEXT;
                    ALTER TABLE agent ADD COLUMN maintenance_by TEXT;
                    ALTER TABLE agent ADD COLUMN ephemeral INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE agent ADD COLUMN beat_grace REAL;
                    ALTER TABLE agent ADD COLUMN consecutive_failures REAL NOT NULL DEFAULT 0;
                    ALTER TABLE agent ADD COLUMN last_success_at REAL;
                    ALTER TABLE agent ADD COLUMN last_failure_at REAL;
                    ALTER TABLE agent ADD COLUMN last_task_duration REAL;
                    """)
        }
        migrator.registerMigration("v10: alert history") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alert_episode (
                        id TEXT PRIMARY KEY NOT NULL, fingerprint TEXT NOT NULL, labels TEXT NOT NULL,
                        started_at INTEGER NOT NULL, fired_at INTEGER, resolved_at INTEGER, peak_value REAL,
                        phase TEXT NOT NULL, muting INTEGER NOT NULL, accounted_until INTEGER NOT NULL,
                        pending_ms INTEGER NOT NULL, firing_ms INTEGER NOT NULL, silenced_ms INTEGER NOT NULL,
                        inhibited_ms INTEGER NOT NULL, acknowledged_ms INTEGER NOT NULL, killed_ms INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX alert_episode_by_start ON alert_episode (started_at, id);
                    CREATE INDEX alert_episode_by_resolution ON alert_episode (resolved_at);
                    CREATE TABLE notification_attempt (
                        id TEXT PRIMARY KEY NOT NULL, receiver TEXT NOT NULL, integration TEXT NOT NULL,
                        group_key TEXT NOT NULL, group_labels TEXT NOT NULL, at INTEGER NOT NULL,
                        status TEXT NOT NULL, result TEXT NOT NULL, attempt INTEGER NOT NULL, error TEXT NOT NULL,
                        alert_count INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX notification_attempt_by_time ON notification_attempt (at, id);
                    """)
        }
        migrator.registerMigration(Self.agentDependencies) { db in
            try db.execute(sql: "ALTER TABLE agent ADD COLUMN depends_on TEXT NOT NULL DEFAULT '[]';")
        }
        migrator.registerMigration(Self.agentActivity) { db in
            try db.execute(
                sql: """
                    CREATE TABLE agent_activity (
                        agent TEXT NOT NULL, start INTEGER NOT NULL, beats INTEGER NOT NULL,
                        succeeded INTEGER NOT NULL, failed INTEGER NOT NULL, cost REAL NOT NULL, tokens REAL NOT NULL,
                        latency_p95 REAL, state TEXT NOT NULL,
                        PRIMARY KEY (agent, start)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX agent_activity_by_start ON agent_activity (start);
                    """)
        }
        migrator.registerMigration(Self.noticesAndMutingCauses) { db in
            try db.execute(
                sql: """
                    ALTER TABLE alert_episode ADD COLUMN maintenance_ms INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE alert_episode ADD COLUMN dependency_ms INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE notice (
                        fingerprint TEXT PRIMARY KEY NOT NULL, labels TEXT NOT NULL, annotations TEXT NOT NULL,
                        starts_at INTEGER NOT NULL, ends_at INTEGER
                    ) STRICT;
                    """)
        }
        migrator.registerMigration(Self.fleetActivity) { db in
            try db.execute(
                sql: """
                    CREATE TABLE fleet_activity (
                        start INTEGER PRIMARY KEY NOT NULL, cost REAL NOT NULL, states TEXT
                    ) STRICT;
                    """)
        }
        migrator.registerMigration(Self.sharedFleet) { db in
            // Written only by PostgreSQL's nodes sharing a fleet (issue 20); the same tables here keep the versions alike.
            try db.execute(
                sql: """
                    ALTER TABLE agent ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE heartbeat_receipt (
                        agent TEXT NOT NULL, run_id TEXT NOT NULL, seq INTEGER NOT NULL, received_at REAL NOT NULL,
                        PRIMARY KEY (agent, run_id, seq)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX heartbeat_receipt_by_time ON heartbeat_receipt (received_at);
                    CREATE TABLE agent_run (
                        agent TEXT NOT NULL, run_id TEXT NOT NULL, first_seen REAL NOT NULL,
                        PRIMARY KEY (agent, run_id)
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE agent_tombstone (
                        name TEXT PRIMARY KEY NOT NULL, change_seq INTEGER NOT NULL, deleted_at REAL NOT NULL
                    ) STRICT;
                    CREATE TABLE cluster_node (
                        id TEXT PRIMARY KEY NOT NULL, address TEXT NOT NULL, started_at REAL NOT NULL,
                        last_contact REAL NOT NULL, leader INTEGER NOT NULL DEFAULT 0, lock_pid INTEGER
                    ) STRICT;
                    """)
        }
        return migrator
    }

    /// The version that stores the fleet per 5-minute bucket (agents per state, cost): the status page's fleet charts.
    static let fleetActivity = "v14: fleet activity"

    /// The version that keeps the notices not yet resolved to their receivers, and the alert history's time muted by
    /// maintenance windows and by dependencies down apart from the time silenced.
    static let noticesAndMutingCauses = "v13: notices kept across restarts, maintenance and dependency muting times"

    /// The version that lets several exporters share one fleet: a change sequence on agents (what a node merges from
    /// the others), the receipts of counted beats and the runs seen (so a beat retried to another node counts once),
    /// tombstones of deleted agents and the nodes of the cluster.
    static let sharedFleet = "v15: shared fleet change sequence and heartbeat receipts"

    /// The version that stores agents' 5-minute activity buckets.
    static let agentActivity = "v12: agent activity"

    /// The version that stores maintenance windows, ephemeral agents, a beat's grace and task streaks.
    static let agentLifecycle = "v9: maintenance, ephemeral agents, grace and task streaks"
    /// The version that stores the dependencies an agent's beats declared (`depends_on`, a JSON array).
    static let agentDependencies = "v11: agent dependencies"
}
