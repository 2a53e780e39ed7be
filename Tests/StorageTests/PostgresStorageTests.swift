import Fleet
import Foundation
import Model
import TestSupport
import Testing

@testable import Storage

/// What PostgreSQL adds to the storage protocols' promises (held in `StorageConformanceTests`): the schema's versions
/// are SQLite's, applied once under a lock; errors name the server and never the password; a dropped connection is
/// taken up again; the connection string comes from a file or the environment.
struct PostgresStorageTests {
    static let start = Timestamp(milliseconds: 1_764_108_000_123)

    @Test func theSchemaHasSQLitesVersionsUnderTheSameNames() {
        #expect(PostgresSchema.migrations.map(\.identifier) == Schema.migrator.migrations)
    }

    /// Every field of an agent comes back from PostgreSQL exactly as from SQLite: numbers through PostgreSQL's text
    /// form lose no digit, and absent values stay absent.
    @Test func everyFieldOfAnAgentComesBackAsFromSQLite() throws {
        let server = try PostgresServer()
        let registry = AgentRegistry()
        let at = Self.start + .milliseconds(7)
        _ = try registry.ingest(
            Heartbeat(
                agent: "worker-1", agentType: "worker", host: "h1", runID: "r1", seq: 9_007_199_254_740_993,
                intervalSeconds: 0.1 + 0.2, currentTask: "refund ü", taskProgress: 1e-300,
                labels: [("team", "payments"), ("tier", "gold")],
                tasks: [TaskReport(success: true, latencyMilliseconds: 1_500.25, costUSD: 0.125, tokens: 300)],
                metrics: HeartbeatMetrics(
                    costUSD: 1.1, tokens: 2, errors: 3, queueDepth: 4, activeTasks: 5, memoryBytes: 6e12)),
            at: at)
        _ = try registry.ingest(Heartbeat(agent: "worker-2"), at: at)
        try registry.kill("worker-1", action: OperatorAction(reason: "loop", by: "alice", at: at + .seconds(1)))
        try registry.stop("worker-2", action: OperatorAction(at: at + .seconds(2)))
        let changes = registry.drainChanges()
        let sqlite = try SQLiteStorage(directory: TestPaths.temporaryDirectory())
        try sqlite.apply(changes)
        try PostgresStorage(connectionString: server.connectionString).apply(changes)

        let expected = try sqlite.loadAgents()
        let loaded = try PostgresStorage(connectionString: server.connectionString).loadAgents()
        try #require(loaded.count == expected.count)
        for (back, want) in zip(loaded, expected) {
            #expect(back.name == want.name && back.agentType == want.agentType && back.host == want.host)
            #expect(back.labels.map(\.name) == want.labels.map(\.name))
            #expect(back.labels.map(\.value) == want.labels.map(\.value))
            #expect(back.runID == want.runID && back.seq == want.seq && back.intervalSeconds == want.intervalSeconds)
            #expect(back.currentTask == want.currentTask && back.selfReportedStatus == want.selfReportedStatus)
            #expect(back.firstSeen == want.firstSeen && back.lastBeat == want.lastBeat)
            #expect(back.counters == want.counters && back.gauges == want.gauges)
            #expect(back.taskDurations == want.taskDurations)
            #expect(back.killed == want.killed && back.stopped == want.stopped)
            #expect(back.recordedState == want.recordedState && back.stateSince == want.stateSince)
            #expect(back.history == want.history)
        }
        #expect(loaded.first?.seq == 9_007_199_254_740_993)
    }

    @Test func storedHistoryIsBoundedToTheNewestTransitions() throws {
        let server = try PostgresServer()
        let store = try PostgresStorage(connectionString: server.connectionString)
        let registry = AgentRegistry()
        _ = try registry.ingest(Heartbeat(agent: "flappy"), at: Self.start)
        for round in 0..<(PostgresStorage.storedHistoryLimit / 2 + 10) {
            try registry.kill("flappy", action: OperatorAction(reason: "round \(round)", at: Self.start))
            try registry.resume("flappy", action: OperatorAction(at: Self.start))
            try store.apply(registry.drainChanges())
        }
        let history = try store.history(of: "flappy", limit: 5_000)
        #expect(history.count == PostgresStorage.storedHistoryLimit)
        #expect(history.last?.reason == "resumed")
        #expect(history[history.count - 2].reason == "killed: round \(PostgresStorage.storedHistoryLimit / 2 + 9)")
    }

    /// A batch sent in pipeline mode that fails part-way writes nothing, names the server's reason, and leaves the
    /// connection ready for the next call.
    @Test func aBatchThatFailsPartWayWritesNothing() throws {
        let server = try PostgresServer()
        let storage = try PostgresStorage(connectionString: server.connectionString)
        let insert = "INSERT INTO rule_history (id, checkpoint) VALUES ($1, $2)"
        #expect {
            try storage.connection.transaction("test") { session in
                try session.executeBatch(insert, [[1, Data([1])], [2, Data([2])]], chunk: 1)
            }
        } throws: { error in
            "\(error)".contains("rule_history_id_check") && "\(error)".contains("SQLSTATE 23514")
        }
        #expect(try storage.loadRuleHistory() == nil)
        try storage.saveRuleHistory([7])
        #expect(try storage.loadRuleHistory() == [7])
    }

    @Test func exportersStartingTogetherMigrateOnceAndRecordEveryVersion() async throws {
        let server = try PostgresServer()
        let connection = server.connectionString
        let started = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 { group.addTask { (try? PostgresStorage(connectionString: connection)) != nil } }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(started == [true, true, true, true])
        let storage = try PostgresStorage(connectionString: connection)
        let recorded = try storage.connection.session("test") { session in
            try session.execute("SELECT identifier FROM schema_migrations ORDER BY identifier").map {
                $0["identifier"] as String
            }
        }
        #expect(recorded == PostgresSchema.migrations.map(\.identifier).sorted(), "each version once")
    }

    @Test func aDatabaseMigratedByANewerExporterIsRefusedWithTheUnknownVersion() throws {
        let server = try PostgresServer()
        let storage = try PostgresStorage(connectionString: server.connectionString)
        try storage.connection.session("test") { session in
            try session.execute("INSERT INTO schema_migrations (identifier) VALUES ($1)", ["v99: from the future"])
        }
        #expect {
            _ = try PostgresStorage(connectionString: server.connectionString)
        } throws: { error in
            "\(error)".contains("v99: from the future") && "\(error)".contains("newer heartbeat-exporter")
        }
    }

    @Test func aServerThatCannotBeReachedIsNamedWithoutThePassword() throws {
        let closedPort = try PostgresServer.unusedPort()
        let connection =
            "host=127.0.0.1 port=\(closedPort) user=exporter password=hunter2 dbname=fleet connect_timeout=5"
        #expect {
            _ = try PostgresStorage(connectionString: connection)
        } throws: { error in
            let text = "\(error)"
            return text.contains("postgresql://exporter@127.0.0.1:\(closedPort)/fleet")
                && text.contains("cannot connect to PostgreSQL") && !text.contains("hunter2")
        }
    }

    /// A connection the server ends (an administrator, a failover, a restart) is taken up again by the next call:
    /// nothing is lost and nothing is written twice.
    @Test func aDroppedConnectionIsTakenUpAgainByTheNextWrite() throws {
        let server = try PostgresServer()
        let storage = try PostgresStorage(connectionString: server.connectionString)
        let registry = AgentRegistry()
        _ = try registry.ingest(Heartbeat(agent: "w-1"), at: Self.start)
        try storage.apply(registry.drainChanges())

        let other = try PostgresStorage(connectionString: server.connectionString)
        try other.connection.session("test") { session in
            try session.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                    + "AND application_name = 'heartbeat-exporter'")
        }
        try registry.kill("w-1", action: OperatorAction(reason: "loop", by: "alice", at: Self.start + .seconds(5)))
        try storage.apply(registry.drainChanges())
        #expect(try other.loadAgents().first?.killed?.by == "alice")
        #expect(try other.history(of: "w-1", limit: 10).map(\.reason) == ["first heartbeat", "killed by alice: loop"])
    }

    /// PostgreSQL down: calls fail with a message naming the server; back up on the same port: calls succeed again
    /// without a new storage.
    @Test func aRestartedServerIsUsedAgainAfterFailingWhileItWasDown() throws {
        let server = try PostgresServer()
        let storage = try PostgresStorage(connectionString: server.connectionString)
        try storage.saveRuleHistory([1, 2, 3])
        server.stop()
        #expect {
            try storage.saveRuleHistory([4])
        } throws: { error in
            "\(error)".contains("postgresql://postgres@127.0.0.1:\(server.port)/postgres")
        }
        try server.start()
        #expect(try storage.loadRuleHistory() == [1, 2, 3])
        try storage.saveRuleHistory([4])
        #expect(try storage.loadRuleHistory() == [4])
    }

    @Test func theConnectionStringComesFromTheFileBeforeTheEnvironment() throws {
        let directory = TestPaths.temporaryDirectory("dsn")
        let file = "\(directory)/dsn"
        try "host=db port=5432\n".write(toFile: file, atomically: true, encoding: .utf8)
        let environment = [PostgresConnectionString.environmentVariable: "host=other"]
        #expect(try PostgresConnectionString.resolve(file: file, environment: environment) == "host=db port=5432")
        #expect(try PostgresConnectionString.resolve(file: nil, environment: environment) == "host=other")
        #expect(try PostgresConnectionString.resolve(file: nil, environment: [:]) == nil)

        try "\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect {
            _ = try PostgresConnectionString.resolve(file: file, environment: environment)
        } throws: { error in
            "\(error)" == "storage \(file): --storage.postgres.dsn-file: the file is empty"
        }
        #expect {
            _ = try PostgresConnectionString.resolve(file: "\(directory)/missing", environment: [:])
        } throws: { error in
            "\(error)" == "storage \(directory)/missing: --storage.postgres.dsn-file: cannot read the file"
        }
    }
}
