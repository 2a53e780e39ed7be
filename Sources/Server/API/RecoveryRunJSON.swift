import JSON
import Model
import Recovery

/// How a recovery ladder's run looks in `GET /api/v1/agents/{agent}` (`recovery_run`):
/// ```json
/// {"id":"w1@1767225600000","ladder":"workers","trigger":"unreachable","started_at":"…","ended_at":null,
///  "result":null,"outcome":null,"tried":"restart: exit 1 after 0.4 s",
///  "steps":[{"name":"restart","started_at":"…","finished_at":"…","result":"failure",
///            "summary":"exit 1 after 0.4 s","output":"unit not found\n"}]}
/// ```
enum RecoveryRunJSON {
    static func write(_ run: RecoveryRun, into writer: inout JSONWriter) {
        writer.beginObject()
        string("id", run.id, &writer)
        string("ladder", run.ladder, &writer)
        string("trigger", run.trigger.rawValue, &writer)
        time("started_at", run.startedAt, &writer)
        time("ended_at", run.endedAt, &writer)
        string("result", run.outcome?.result, &writer)
        string("outcome", run.outcome?.text, &writer)
        string("tried", run.tried, &writer)
        writer.key("steps")
        writer.beginArray()
        for step in run.steps {
            writer.beginObject()
            string("name", step.name, &writer)
            time("started_at", step.startedAt, &writer)
            time("finished_at", step.finishedAt, &writer)
            string("result", step.outcome?.rawValue, &writer)
            string("summary", step.summary, &writer)
            string("output", step.output, &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    private static func string(_ key: String, _ value: String?, _ writer: inout JSONWriter) {
        writer.key(key)
        if let value { writer.string(value) } else { writer.null() }
    }

    private static func time(_ key: String, _ value: Timestamp?, _ writer: inout JSONWriter) {
        writer.key(key)
        if let value { writer.rfc3339(value) } else { writer.null() }
    }
}
