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
        return migrator
    }
}
