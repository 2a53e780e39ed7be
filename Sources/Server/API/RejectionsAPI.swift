import Fleet
import HTTP
import JSON
import Model

/// `GET /api/v1/rejections`: the heartbeats refused recently, one entry per agent and reason (newest first),
/// with the totals per reason since start and what the store's bound has evicted.
struct RejectionsAPI: Sendable {
    let rejections: HeartbeatRejections
    let clock: any WallClock

    func list(_ request: HTTPRequest) -> HTTPResponse {
        let now = clock.now()
        let recent = rejections.recent(at: now)
        let totals = rejections.totals.sorted { $0.key.rawValue < $1.key.rawValue }
        return APIResponse.success { writer in
            writer.beginObject()
            writer.key("rejections")
            writer.beginArray()
            for rejection in recent { Self.write(rejection, into: &writer) }
            writer.endArray()
            writer.key("totals")
            writer.beginObject()
            for (reason, total) in totals {
                writer.key(reason.rawValue)
                writer.number(Double(total))
            }
            writer.endObject()
            writer.key("capacity")
            writer.int(rejections.capacity)
            writer.key("retention_seconds")
            writer.seconds(HeartbeatRejections.retention)
            writer.key("evicted")
            writer.number(Double(rejections.evicted))
            writer.endObject()
        }
    }

    /// One entry: `{"agent","reason","status","count","last_error","first_at","last_at"}`; `agent` is null when
    /// the refused body did not name a valid agent.
    static func write(_ rejection: Rejection, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("agent")
        if let agent = rejection.agent { writer.string(agent) } else { writer.null() }
        writer.key("reason")
        writer.string(rejection.reason.rawValue)
        writer.key("status")
        writer.int(rejection.status)
        writer.key("count")
        writer.number(Double(rejection.count))
        writer.key("last_error")
        writer.string(rejection.lastError)
        writer.key("first_at")
        writer.rfc3339(rejection.firstAt)
        writer.key("last_at")
        writer.rfc3339(rejection.lastAt)
        writer.endObject()
    }
}
