/// Size limits on one heartbeat; each rejection names the field and the limit it broke.
public struct HeartbeatLimits: Sendable, Equatable {
    public var maxAgentNameBytes = 128
    public var maxAgentTypeBytes = 128
    public var maxHostBytes = 255
    public var maxRunIDBytes = 128
    public var maxCurrentTaskBytes = 256
    /// Extra labels per agent; more is refused with 429, as a label limit (DESIGN §4).
    public var maxLabels = 8
    public var maxLabelValueBytes = 128
    public var maxTasksPerBeat = 1_000
    /// A task's `error` text is cut to this many bytes (not refused: the failure itself must still count).
    public var maxTaskErrorBytes = 512
    /// The longest `interval_seconds` accepted: 31 days.
    public var maxIntervalSeconds: Double = 31 * 86_400
    /// The longest `schedule.cron` accepted.
    public var maxCronBytes = 256
    /// The longest `schedule.grace_seconds` accepted: 31 days.
    public var maxScheduleGraceSeconds: Double = 31 * 86_400
    /// A run's `output` keeps at most its last 10 KiB (10,240 bytes of UTF-8); longer output is cut at its start,
    /// not refused, so the last lines stay.
    public var maxRunOutputBytes = 10_240
    /// The longest `max_runtime_seconds` accepted (of a start or a schedule): 31 days.
    public var maxRuntimeSeconds: Double = 31 * 86_400
    /// The largest `grace_seconds` a beat may ask for: 24 hours.
    public var maxGraceSeconds: Double = 86_400
    /// The largest `seq` accepted: integers above 2^53 cannot be carried exactly by JSON numbers.
    public var maxSeq: Double = 9_007_199_254_740_992

    public init() {}
}

/// Why a heartbeat was refused: the field (a JSON path such as `tasks[2].latency_ms`) and the rule it broke.
public struct HeartbeatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of limit was broken, which decides the HTTP status.
    public enum Kind: Sendable, Equatable {
        /// A field is missing, of the wrong type, or out of range (422).
        case invalidField
        /// A label's name or value is not acceptable (422).
        case invalidLabel
        /// A label or agent limit was reached (429).
        case limitReached
    }

    public var kind: Kind
    /// The JSON path of the offending field.
    public var field: String
    /// The rule that was broken, phrased for the sender.
    public var rule: String

    public init(_ kind: Kind = .invalidField, field: String, rule: String) {
        self.kind = kind
        self.field = field
        self.rule = rule
    }

    public var description: String { "field \"\(field)\": \(rule)" }
}
