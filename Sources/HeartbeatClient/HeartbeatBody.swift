import Foundation

/// One finished task, as the heartbeat's `tasks` array carries it.
struct TaskReport: Encodable, Sendable {
    /// A task's `error` is cut to this many characters (the exporter keeps at most 512 bytes of it).
    static let maxErrorCharacters = 512

    var success: Bool
    var latencyMs: Double?
    var costUSD: Double?
    var tokens: Int?
    /// Why a failed task failed.
    var error: String?

    enum CodingKeys: String, CodingKey {
        case success, tokens, error
        case latencyMs = "latency_ms"
        case costUSD = "cost_usd"
    }

    /// `text` cut to ``maxErrorCharacters``.
    static func bounded(_ text: String) -> String {
        text.count <= maxErrorCharacters ? text : String(text.prefix(maxErrorCharacters - 1)) + "…"
    }

    /// `Type: description` of a thrown error, bounded.
    static func describe(_ error: any Error) -> String {
        bounded("\(type(of: error)): \(error)")
    }
}

/// Task reports and metric deltas collected since the last heartbeat.
struct UsageBuffer: Sendable {
    var tasks: [TaskReport] = []
    var costUSD: Double = 0
    var tokens = 0
    var errors = 0

    var isEmpty: Bool { tasks.isEmpty && costUSD == 0 && tokens == 0 && errors == 0 }

    /// Returns what was collected and empties the buffer.
    mutating func take() -> UsageBuffer {
        defer { self = UsageBuffer() }
        return self
    }
}

/// Current values sent with every beat once set.
struct Gauges: Sendable {
    var queueDepth: Int?
    var activeTasks: Int?
    var memoryBytes: Int?
    var currentTask: String?
    var taskProgress: Double?
    var status: String?
}

/// Who is beating: the same for every beat of one run.
struct Identity: Sendable {
    var agent: String
    var agentType: String?
    var host: String?
    var runID: String
    var labels: [String: String]
}

/// The heartbeat JSON object (the exporter's README, "Send a heartbeat").
struct HeartbeatBody: Encodable, Sendable {
    struct Metrics: Encodable, Sendable {
        var costUSD: Double
        var tokens: Int
        var errors: Int
        var queueDepth: Int?
        var activeTasks: Int?
        var memoryBytes: Int?

        enum CodingKeys: String, CodingKey {
            case tokens, errors
            case costUSD = "cost_usd"
            case queueDepth = "queue_depth"
            case activeTasks = "active_tasks"
            case memoryBytes = "memory_bytes"
        }
    }

    var agent: String
    var agentType: String?
    var host: String?
    var runID: String
    var seq: UInt64
    var intervalSeconds: Double?
    var status: String?
    var currentTask: String?
    var taskProgress: Double?
    var labels: [String: String]?
    var tasks: [TaskReport]?
    var metrics: Metrics

    enum CodingKeys: String, CodingKey {
        case agent, host, seq, status, labels, tasks, metrics
        case agentType = "agent_type"
        case runID = "run_id"
        case intervalSeconds = "interval_seconds"
        case currentTask = "current_task"
        case taskProgress = "task_progress"
    }

    init(_ identity: Identity, seq: UInt64, interval: Duration?, usage: UsageBuffer, gauges: Gauges) {
        agent = identity.agent
        agentType = identity.agentType
        host = identity.host
        runID = identity.runID
        self.seq = seq
        intervalSeconds = interval?.seconds
        status = gauges.status
        currentTask = gauges.currentTask
        taskProgress = gauges.taskProgress
        labels = identity.labels.isEmpty ? nil : identity.labels
        tasks = usage.tasks.isEmpty ? nil : usage.tasks
        metrics = Metrics(
            costUSD: usage.costUSD, tokens: usage.tokens, errors: usage.errors,
            queueDepth: gauges.queueDepth, activeTasks: gauges.activeTasks,
            memoryBytes: gauges.memoryBytes)
    }

    /// The body as JSON bytes.
    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Every field is a string, number, bool or a container of them: encoding cannot fail.
        return (try? encoder.encode(self)) ?? Data("{\"agent\":\"\(agent)\"}".utf8)
    }
}
