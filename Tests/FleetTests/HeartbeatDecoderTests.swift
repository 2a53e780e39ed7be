import Fleet
import JSON
import Testing

struct HeartbeatDecoderTests {
    let decoder = HeartbeatDecoder()

    func decode(_ json: String) throws(HeartbeatError) -> Heartbeat {
        guard let value = try? JSONParser.parse(Array(json.utf8)) else {
            Issue.record("test JSON does not parse: \(json)")
            return Heartbeat(agent: "")
        }
        return try decoder.decode(value)
    }

    @Test func decodesTheFullSchema() throws {
        let beat = try decode(
            """
            {"agent": "order-processor", "agent_type": "worker", "host": "machine-3", "run_id": "b7c1", "seq": 42,
             "interval_seconds": 30, "status": "healthy", "current_task": "refund #1234", "task_progress": 0.4,
             "labels": {"team": "payments"},
             "tasks": [{"success": true, "latency_ms": 234.5, "cost_usd": 0.003, "tokens": 512}],
             "metrics": {"cost_usd": 0.01, "tokens": 1000, "errors": 0, "queue_depth": 3, "active_tasks": 2,
                         "memory_bytes": 210000000}}
            """)
        #expect(
            beat
                == Heartbeat(
                    agent: "order-processor", agentType: "worker", host: "machine-3", runID: "b7c1", seq: 42,
                    intervalSeconds: 30, status: .healthy, currentTask: "refund #1234", taskProgress: 0.4,
                    labels: [("team", "payments")],
                    tasks: [TaskReport(success: true, latencyMilliseconds: 234.5, costUSD: 0.003, tokens: 512)],
                    metrics: HeartbeatMetrics(
                        costUSD: 0.01, tokens: 1000, errors: 0, queueDepth: 3, activeTasks: 2,
                        memoryBytes: 210_000_000)))
    }

    @Test func onlyTheAgentIsRequiredAndUnknownFieldsAreIgnored() throws {
        #expect(try decode(#"{"agent": "a", "future_field": [1, 2]}"#) == Heartbeat(agent: "a"))
        #expect(try decode(#"{"agent": "a", "host": null, "labels": null}"#) == Heartbeat(agent: "a"))
    }

    @Test func aTaskErrorIsKeptAndALongOneIsCutNotRefused() throws {
        let beat = try decode(#"{"agent": "a", "tasks": [{"success": false, "error": "TimeoutError: 30 s"}]}"#)
        #expect(beat.tasks == [TaskReport(success: false, error: "TimeoutError: 30 s")])
        // 300 two-byte characters: 600 bytes, cut at a character boundary to 512 bytes (256 characters).
        let long = try decode(
            "{\"agent\": \"a\", \"tasks\": [{\"success\": false, \"error\": \"\(String(repeating: "é", count: 300))\"}]}"
        )
        #expect(long.tasks.first?.error == String(repeating: "é", count: 256))
        #expect(try decode(#"{"agent": "a", "tasks": [{"success": false, "error": ""}]}"#).tasks.first?.error == nil)
        #expect(throws: HeartbeatError(field: "tasks[0].error", rule: "must be a string")) {
            try decode(#"{"agent": "a", "tasks": [{"success": false, "error": 42}]}"#)
        }
    }

    static let longName = String(repeating: "a", count: 129)
    static let labels9 = (1...9).map { "\"l\($0)\": \"v\"" }.joined(separator: ", ")

    /// Each rejected document, the field it names and the rule it states.
    @Test(arguments: [
        (#"[1]"#, "(body)", "must be a JSON object"),
        (#"{}"#, "agent", "is required"),
        (#"{"agent": ""}"#, "agent", "must not be empty"),
        (#"{"agent": 7}"#, "agent", "must be a string"),
        (#"{"agent": "has space"}"#, "agent", "must be 1-128 characters of [A-Za-z0-9_.:-]"),
        (#"{"agent": "ä"}"#, "agent", "must be 1-128 characters of [A-Za-z0-9_.:-]"),
        ("{\"agent\": \"\(longName)\"}", "agent", "must be at most 128 bytes"),
        (#"{"agent": "a", "agent_type": "x/y"}"#, "agent_type", "must be 1-128 characters of [A-Za-z0-9_.:-]"),
        (
            "{\"agent\": \"a\", \"host\": \"\(String(repeating: "h", count: 256))\"}", "host",
            "must be at most 255 bytes"
        ),
        ("{\"agent\": \"a\", \"run_id\": \"\(longName)\"}", "run_id", "must be at most 128 bytes"),
        (#"{"agent": "a", "seq": -1}"#, "seq", "must be between 0 and 9007199254740992"),
        (#"{"agent": "a", "seq": 1.5}"#, "seq", "must be an integer"),
        (#"{"agent": "a", "seq": "1"}"#, "seq", "must be an integer"),
        (#"{"agent": "a", "interval_seconds": 0}"#, "interval_seconds", "must be above 0"),
        (#"{"agent": "a", "interval_seconds": 2678401}"#, "interval_seconds", "must be between 0 and 2678400"),
        (#"{"agent": "a", "status": "fine"}"#, "status", "must be one of healthy, degraded, unhealthy"),
        (
            "{\"agent\": \"a\", \"current_task\": \"\(String(repeating: "t", count: 257))\"}", "current_task",
            "must be at most 256 bytes"
        ),
        (#"{"agent": "a", "task_progress": 1.01}"#, "task_progress", "must be between 0 and 1"),
        (#"{"agent": "a", "task_progress": "half"}"#, "task_progress", "must be a number"),
        (#"{"agent": "a", "labels": []}"#, "labels", "must be a JSON object"),
        (#"{"agent": "a", "labels": {"team": 1}}"#, "labels.team", "must be a string"),
        (#"{"agent": "a", "labels": {"1team": "x"}}"#, "labels.1team", "label name must match [a-zA-Z_][a-zA-Z0-9_]*"),
        (
            #"{"agent": "a", "labels": {"__name__": "x"}}"#, "labels.__name__",
            "label names starting with __ are reserved"
        ),
        (
            #"{"agent": "a", "labels": {"host": "x"}}"#, "labels.host",
            "label name is reserved (agent, agent_type, host are set by the exporter)"
        ),
        (
            "{\"agent\": \"a\", \"labels\": {\"team\": \"\(String(repeating: "v", count: 129))\"}}", "labels.team",
            "must be at most 128 bytes"
        ),
        (#"{"agent": "a", "tasks": {}}"#, "tasks", "must be a JSON array"),
        (#"{"agent": "a", "tasks": [{"latency_ms": 1}]}"#, "tasks[0].success", "is required"),
        (#"{"agent": "a", "tasks": [{"success": true}, 3]}"#, "tasks[1]", "must be a JSON object"),
        (#"{"agent": "a", "tasks": [{"success": "yes"}]}"#, "tasks[0].success", "must be true or false"),
        (
            #"{"agent": "a", "tasks": [{"success": true, "latency_ms": -1}]}"#, "tasks[0].latency_ms",
            "must be between 0 and 9007199254740992"
        ),
        (
            #"{"agent": "a", "tasks": [{"success": true, "cost_usd": -0.1}]}"#, "tasks[0].cost_usd",
            "must be between 0 and 9007199254740992"
        ),
        (#"{"agent": "a", "tasks": [{"success": true, "tokens": 1.5}]}"#, "tasks[0].tokens", "must be an integer"),
        (#"{"agent": "a", "metrics": 5}"#, "metrics", "must be a JSON object"),
        (#"{"agent": "a", "metrics": {"cost_usd": -1}}"#, "metrics.cost_usd", "must be between 0 and 9007199254740992"),
        (#"{"agent": "a", "metrics": {"errors": 0.5}}"#, "metrics.errors", "must be an integer"),
        (
            #"{"agent": "a", "metrics": {"queue_depth": -3}}"#, "metrics.queue_depth",
            "must be between 0 and 9007199254740992"
        ),
        (#"{"agent": "a", "metrics": {"memory_bytes": "1G"}}"#, "metrics.memory_bytes", "must be an integer"),
    ])
    func refusesNamingFieldAndRule(json: String, field: String, rule: String) {
        // A label's own name or value is an invalid label (counted apart in the rejections); the rest a field.
        let kind: HeartbeatError.Kind = field.hasPrefix("labels.") ? .invalidLabel : .invalidField
        #expect(throws: HeartbeatError(kind, field: field, rule: rule)) { try decode(json) }
    }

    @Test func moreThanEightLabelsIsALimitNotAFieldError() {
        #expect(throws: HeartbeatError(.limitReached, field: "labels", rule: "at most 8 labels per agent, got 9")) {
            try decode("{\"agent\": \"a\", \"labels\": {\(Self.labels9)}}")
        }
    }

    @Test func tooManyTasksInOneBeat() {
        let tasks = Array(repeating: #"{"success": true}"#, count: 1_001).joined(separator: ",")
        #expect(throws: HeartbeatError(field: "tasks", rule: "at most 1000 tasks per heartbeat")) {
            try decode("{\"agent\": \"a\", \"tasks\": [\(tasks)]}")
        }
    }

    @Test func batchItemsAreNamedByTheirIndex() throws {
        let value = try JSONParser.parse(Array(#"{"agent": "a", "seq": "x"}"#.utf8))
        #expect(throws: HeartbeatError(field: "[3].seq", rule: "must be an integer")) {
            try decoder.decode(value, path: "[3]")
        }
    }

    @Test func eightLabelsAndLimitsExactlyAreAccepted() throws {
        let labels = (1...8).map { "\"l\($0)\": \"\(String(repeating: "v", count: 128))\"" }.joined(separator: ", ")
        let name = String(repeating: "a", count: 128)
        let beat = try decode("{\"agent\": \"\(name)\", \"task_progress\": 1, \"labels\": {\(labels)}}")
        #expect(beat.labels.count == 8)
        #expect(beat.agent == name)
    }

    /// A name from elsewhere (a recovery command's agent) meets the same grammar, with the same message, as the
    /// `agent` of a heartbeat.
    @Test(arguments: [
        "order-processor", "a.b:c_d-1", "", "w 1", "x;y", "$(id)", "ünïcode", String(repeating: "a", count: 128),
        String(repeating: "a", count: 129),
    ])
    func checkAgentNameAgreesWithTheHeartbeatsAgentField(name: String) {
        let object = JSONValue.object(JSONObject([("agent", .string(name))]))
        let decoded = Result { () throws(HeartbeatError) in _ = try decoder.decode(object) }
        let checked = Result { () throws(HeartbeatError) in try decoder.checkAgentName(name) }
        switch (decoded, checked) {
        case (.success, .success): #expect(name.count <= 128 && !name.isEmpty)
        case (.failure(let refused), .failure(let error)): #expect(error == refused)
        default: Issue.record("decode: \(decoded), checkAgentName: \(checked)")
        }
    }
}
