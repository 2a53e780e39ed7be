import Foundation

/// The exporter's answer to one heartbeat.
public struct BeatReply: Sendable, Equatable {
    /// The agent the beat was for.
    public var agent: String
    /// The agent's health as the exporter sees it: healthy, degraded, unreachable, recovering, maintenance, killed or
    /// stopped.
    public var state: String
    /// True when an operator killed the agent; ``directive`` is then `"stop"`.
    public var killed: Bool
    /// What the exporter asks the agent to do (`"stop"` when killed), else nil.
    public var directive: String?
    /// True when the exporter had already counted this `seq`: a retry whose first reply was lost.
    public var duplicate: Bool
    /// The `seq` of the beat this reply answers.
    public var seq: UInt64

    /// A reply with the given fields (for tests and custom transports).
    public init(
        agent: String, state: String, killed: Bool, directive: String? = nil, duplicate: Bool = false,
        seq: UInt64
    ) {
        self.agent = agent
        self.state = state
        self.killed = killed
        self.directive = directive
        self.duplicate = duplicate
        self.seq = seq
    }
}

/// How delivery has gone since the client was made.
public struct DeliveryStats: Sendable, Equatable {
    /// Beats the exporter acknowledged; ``duplicates`` of them were retries it had already counted.
    public var delivered = 0
    /// Acknowledged beats the exporter had already counted.
    public var duplicates = 0
    /// Extra attempts made after a failed one.
    public var retries = 0
    /// Calls that gave up after their retries because the exporter could not be reached; their beats stay
    /// queued (``pending``) and go out, in order and with their original `seq`, before the next beat.
    public var failures = 0
    /// Beats given up for good: refused by the exporter (4xx) or pushed out of a full queue.
    public var dropped = 0
    /// Beats waiting to be delivered.
    public var pending = 0
    /// The last delivery error, if any.
    public var lastError: String?

    /// All counts zero.
    public init() {}
}

/// The `{"status": …, "data": …}` envelope of the exporter's replies, as far as the client reads it.
struct ReplyEnvelope: Decodable {
    struct Data: Decodable {
        var agent: String?
        var state: String?
        var killed: Bool?
        var directive: String?
        var duplicate: Bool?
    }

    var status: String
    var data: Data?
    var error: String?

    static func decode(_ body: Foundation.Data) -> ReplyEnvelope? {
        try? JSONDecoder().decode(ReplyEnvelope.self, from: body)
    }

    func beatReply(seq: UInt64) -> BeatReply? {
        guard status == "success", let data else { return nil }
        return BeatReply(
            agent: data.agent ?? "", state: data.state ?? "", killed: data.killed ?? false,
            directive: data.directive, duplicate: data.duplicate ?? false, seq: seq)
    }
}
