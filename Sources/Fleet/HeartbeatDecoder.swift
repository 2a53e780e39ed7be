import Exposition
import JSON
import Model

/// Turns a parsed JSON document into a valid ``Heartbeat``, checking every field against ``HeartbeatLimits``.
///
/// Unknown fields are ignored, so newer clients keep working with older exporters; `null` counts as absent.
public struct HeartbeatDecoder: Sendable {
    public var limits: HeartbeatLimits

    public init(limits: HeartbeatLimits = HeartbeatLimits()) {
        self.limits = limits
    }

    /// Decodes one heartbeat object.
    /// - Parameter path: the JSON path of `value` in the request, used in error messages (`[3]` in a batch).
    /// - Throws: ``HeartbeatError`` naming the first field that breaks a rule.
    public func decode(_ value: JSONValue, path: String = "") throws(HeartbeatError) -> Heartbeat {
        guard case .object(let object) = value else {
            throw HeartbeatError(field: path.isEmpty ? "(body)" : path, rule: "must be a JSON object")
        }
        let fields = FieldReader(object: object, path: path)
        var beat = Heartbeat(agent: try agentName(fields))
        beat.agentType = try fields.identifier("agent_type", maxBytes: limits.maxAgentTypeBytes)
        beat.host = try fields.text("host", maxBytes: limits.maxHostBytes)
        beat.runID = try fields.text("run_id", maxBytes: limits.maxRunIDBytes)
        beat.seq = try fields.integer("seq", max: limits.maxSeq).map { UInt64($0) }
        beat.intervalSeconds = try intervalSeconds(fields)
        beat.schedule = try schedule(fields)
        beat.status = try status(fields)
        beat.currentTask = try fields.text("current_task", maxBytes: limits.maxCurrentTaskBytes, allowEmpty: true)
        beat.taskProgress = try fields.number("task_progress", in: 0...1)
        beat.labels = try labels(fields)
        beat.tasks = try tasks(fields)
        beat.metrics = try metrics(fields)
        beat.run = try run(fields, tasks: beat.tasks)
        beat.ephemeral = try fields.bool("ephemeral")
        beat.graceSeconds = try fields.number("grace_seconds", in: 0...limits.maxGraceSeconds)
        beat.dependsOn = try dependsOn(fields, agent: beat.agent)
        return beat
    }

    /// The `agent` a heartbeat names when it is a valid agent name, else nil: who sent a refused heartbeat.
    public func readableAgentName(_ value: JSONValue) -> String? {
        guard case .object(let object) = value else { return nil }
        return try? FieldReader(object: object, path: "").identifier("agent", maxBytes: limits.maxAgentNameBytes)
    }

    /// Checks `name` against the grammar of a heartbeat's `agent` field (1…``HeartbeatLimits/maxAgentNameBytes``
    /// characters of `[A-Za-z0-9_.:-]`), for a name that comes from elsewhere and is about to be used where only
    /// a valid agent name may go (a recovery ladder's command).
    /// - Throws: ``HeartbeatError`` on the field `agent`, with the same rule a refused heartbeat names.
    public func checkAgentName(_ name: String) throws(HeartbeatError) {
        let fields = FieldReader(object: JSONObject([("agent", .string(name))]), path: "")
        _ = try agentName(fields)
    }

    private func agentName(_ fields: FieldReader) throws(HeartbeatError) -> String {
        guard let name = try fields.identifier("agent", maxBytes: limits.maxAgentNameBytes) else {
            throw HeartbeatError(field: fields.path("agent"), rule: "is required")
        }
        return name
    }

    private func intervalSeconds(_ fields: FieldReader) throws(HeartbeatError) -> Double? {
        guard let interval = try fields.number("interval_seconds", in: 0...limits.maxIntervalSeconds) else {
            return nil
        }
        guard interval > 0 else {
            throw HeartbeatError(field: fields.path("interval_seconds"), rule: "must be above 0")
        }
        return interval
    }

    private func status(_ fields: FieldReader) throws(HeartbeatError) -> SelfReportedStatus? {
        guard let text = try fields.text("status", maxBytes: 32) else { return nil }
        guard let status = SelfReportedStatus(rawValue: text) else {
            let allowed = SelfReportedStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw HeartbeatError(field: fields.path("status"), rule: "must be one of \(allowed)")
        }
        return status
    }

    private func labels(_ fields: FieldReader) throws(HeartbeatError) -> [(name: String, value: String)] {
        guard let object = try fields.object("labels") else { return [] }
        let field = fields.path("labels")
        guard object.members.count <= limits.maxLabels else {
            throw HeartbeatError(
                .limitReached, field: field,
                rule: "at most \(limits.maxLabels) labels per agent, got \(object.members.count)")
        }
        var labels: [(name: String, value: String)] = []
        for (name, value) in object.members {
            try checkLabelName(name, field: "\(field).\(name)")
            if labels.contains(where: { $0.name == name }) {
                throw HeartbeatError(.invalidLabel, field: "\(field).\(name)", rule: "label appears twice")
            }
            guard case .string(let text) = value else {
                throw HeartbeatError(.invalidLabel, field: "\(field).\(name)", rule: "must be a string")
            }
            guard text.utf8.count <= limits.maxLabelValueBytes else {
                throw HeartbeatError(
                    .invalidLabel, field: "\(field).\(name)", rule: "must be at most \(limits.maxLabelValueBytes) bytes"
                )
            }
            labels.append((name, text))
        }
        return labels
    }

    /// Label names reserved because `agent_info` already carries them.
    static let reservedLabelNames: Set<String> = ["agent", "agent_type", "host"]

    private func checkLabelName(_ name: String, field: String) throws(HeartbeatError) {
        guard MetricNaming.isValidLabelName(name) else {
            throw HeartbeatError(.invalidLabel, field: field, rule: "label name must match [a-zA-Z_][a-zA-Z0-9_]*")
        }
        guard !name.hasPrefix("__") else {
            throw HeartbeatError(.invalidLabel, field: field, rule: "label names starting with __ are reserved")
        }
        guard !Self.reservedLabelNames.contains(name) else {
            throw HeartbeatError(
                .invalidLabel, field: field,
                rule: "label name is reserved (agent, agent_type, host are set by the exporter)")
        }
    }

    private func tasks(_ fields: FieldReader) throws(HeartbeatError) -> [TaskReport] {
        guard let items = try fields.array("tasks") else { return [] }
        guard items.count <= limits.maxTasksPerBeat else {
            throw HeartbeatError(
                field: fields.path("tasks"), rule: "at most \(limits.maxTasksPerBeat) tasks per heartbeat")
        }
        var reports: [TaskReport] = []
        reports.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            reports.append(try task(item, path: "\(fields.path("tasks"))[\(index)]"))
        }
        return reports
    }

    private func task(_ value: JSONValue, path: String) throws(HeartbeatError) -> TaskReport {
        guard case .object(let object) = value else {
            throw HeartbeatError(field: path, rule: "must be a JSON object")
        }
        let fields = FieldReader(object: object, path: path)
        guard let success = try fields.bool("success") else {
            throw HeartbeatError(field: fields.path("success"), rule: "is required")
        }
        return TaskReport(
            success: success,
            latencyMilliseconds: try fields.number("latency_ms", in: 0...FieldReader.largeNumber),
            costUSD: try fields.number("cost_usd", in: 0...FieldReader.largeNumber) ?? 0,
            tokens: try fields.integer("tokens", max: FieldReader.largeNumber) ?? 0,
            error: try fields.truncatedText("error", maxBytes: limits.maxTaskErrorBytes)
        )
    }

    private func metrics(_ fields: FieldReader) throws(HeartbeatError) -> HeartbeatMetrics {
        guard let object = try fields.object("metrics") else { return HeartbeatMetrics() }
        let fields = FieldReader(object: object, path: fields.path("metrics"))
        let large = FieldReader.largeNumber
        return HeartbeatMetrics(
            costUSD: try fields.number("cost_usd", in: 0...large) ?? 0,
            tokens: try fields.integer("tokens", max: large) ?? 0,
            errors: try fields.integer("errors", max: large) ?? 0,
            queueDepth: try fields.integer("queue_depth", max: large),
            activeTasks: try fields.integer("active_tasks", max: large),
            memoryBytes: try fields.integer("memory_bytes", max: large)
        )
    }
}
