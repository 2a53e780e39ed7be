import Fleet
import HTTP
import JSON
import Model

/// `GET /api/v1/agents/{agent}/activity` and `GET /api/v1/activity`: agents' 5-minute activity buckets, their
/// state over the range (segments from the transitions) and their uptime, for the status page and for people.
///
/// `range` is a duration (`24h`, `7d`, `90m`; default `24h`, from 5m to 30d) ending now. The fleet form takes
/// `agent` repeated (at most ``maximumAgents``): the status page asks for the rows it shows, in one request.
struct ActivityAPI: Sendable {
    let registry: AgentRegistry
    let activity: FleetActivity
    let clock: any WallClock

    /// The most agents one `GET /api/v1/activity` may name.
    static let maximumAgents = 500
    static let defaultRange = PrometheusDuration.hours(24)
    static let longestRange = PrometheusDuration.hours(30 * 24)

    /// `GET /api/v1/agents/{agent}/activity?range=24h`: buckets, state segments, transitions in the range and uptime
    /// over 24 h, 7 d and 30 d.
    func agent(_ request: HTTPRequest, _ name: String) -> HTTPResponse {
        guard registry.agent(named: name) != nil else { return APIResponse.error(404, "unknown agent \"\(name)\"") }
        let range: PrometheusDuration
        do throws(QueryParameters.Invalid) { range = try Self.range(request) } catch {
            return APIResponse.error(400, error.message)
        }
        let now = clock.now()
        do throws(StorageError) {
            let report = try AgentActivity(name, activity: activity, from: now - range, to: now, uptimeSpans: true)
            return APIResponse.success { writer in
                writer.beginObject()
                report.writeFields(range: range, into: &writer)
                writer.endObject()
            }
        } catch {
            return APIResponse.error(500, "reading the activity of \"\(name)\" failed: \(error)")
        }
    }

    /// `GET /api/v1/activity?range=24h&agent=a&agent=b`: several agents at once, keyed by name (unknown agents are
    /// left out), compact for the fleet table: the uptime over the range, the state segments, and per bucket from
    /// `first_bucket` on (one entry per 5 minutes, 0 where the agent did not beat) the tasks succeeded and failed and
    /// the cost.
    func agents(_ request: HTTPRequest) -> HTTPResponse {
        let names = request.formValues("agent")
        guard names.count <= Self.maximumAgents else {
            return APIResponse.error(
                400, "invalid parameter \"agent\": at most \(Self.maximumAgents) agents per request, got \(names.count)"
            )
        }
        let range: PrometheusDuration
        do throws(QueryParameters.Invalid) { range = try Self.range(request) } catch {
            return APIResponse.error(400, error.message)
        }
        let now = clock.now()
        var reports: [AgentActivity] = []
        do throws(StorageError) {
            for name in Set(names).sorted() where registry.agent(named: name) != nil {
                reports.append(
                    try AgentActivity(name, activity: activity, from: now - range, to: now, uptimeSpans: false))
            }
        } catch {
            return APIResponse.error(500, "reading agent activity failed: \(error)")
        }
        let first = ActivityBucket.start(of: now - range)
        let count = Int((now - first).milliseconds / ActivityBucket.width.milliseconds) + 1
        return APIResponse.success { writer in
            writer.beginObject()
            writer.key("range_seconds")
            writer.seconds(range)
            writer.key("bucket_seconds")
            writer.seconds(ActivityBucket.width)
            AgentJSON.time("from", now - range, &writer)
            AgentJSON.time("until", now, &writer)
            AgentJSON.time("first_bucket", first, &writer)
            writer.key("agents")
            writer.beginObject()
            for report in reports {
                writer.key(report.agent)
                writer.beginObject()
                report.writeCompact(firstBucket: first, count: count, into: &writer)
                writer.endObject()
            }
            writer.endObject()
            writer.endObject()
        }
    }

    /// `GET /api/v1/activity/fleet`: the fleet per 5-minute bucket over the last 24 hours (kept in storage across restarts):
    /// agents per state at each bucket's end (null for the bucket under way) and the cost of its buckets.
    func fleet(_ request: HTTPRequest) -> HTTPResponse {
        let points = activity.fleetPoints
        return APIResponse.success { writer in
            writer.beginObject()
            writer.key("bucket_seconds")
            writer.seconds(ActivityBucket.width)
            writer.key("points")
            writer.beginArray()
            for point in points {
                writer.beginObject()
                AgentJSON.time("start", point.start, &writer)
                writer.key("states")
                if let states = point.states {
                    writer.beginObject()
                    for state in HealthState.allCases {
                        writer.key(state.rawValue)
                        writer.int(states[state] ?? 0)
                    }
                    writer.endObject()
                } else {
                    writer.null()
                }
                AgentJSON.number("cost_usd", point.costUSD, &writer)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        }
    }

    static func range(_ request: HTTPRequest) throws(QueryParameters.Invalid) -> PrometheusDuration {
        guard let text = request.formValue("range"), !text.isEmpty else { return defaultRange }
        let range = try QueryParameters.duration("range", text)
        guard range >= ActivityBucket.width, range <= longestRange else {
            throw QueryParameters.Invalid(parameter: "range", reason: "must be between 5m and 30d, got \(text)")
        }
        return range
    }
}

/// One agent's activity over a span, read once and written as JSON.
private struct AgentActivity {
    let agent: String
    let from: Timestamp
    let to: Timestamp
    let buckets: [ActivityBucket]
    let transitions: [Transition]
    let segments: [StateSegment]
    let uptime: Double?
    let uptimes: [(label: String, ratio: Double?)]

    init(
        _ agent: String, activity: FleetActivity, from: Timestamp, to: Timestamp, uptimeSpans: Bool
    ) throws(StorageError) {
        self.agent = agent
        self.from = from
        self.to = to
        buckets = try activity.buckets(of: agent, from: ActivityBucket.start(of: from), to: to)
        let since = uptimeSpans ? min(from, to - FleetActivity.longestUptimeSpan) : from
        let all = try activity.transitions(of: agent, since: since)
        transitions = all.filter { $0.at >= from && $0.at <= to }
        segments = Uptime.segments(of: all, from: from, to: to)
        uptime = Uptime.ratio(of: all, from: from, to: to)
        uptimes = uptimeSpans ? FleetActivity.uptimes(all, at: to) : []
    }

    func writeFields(range: PrometheusDuration, into writer: inout JSONWriter) {
        writer.key("agent")
        writer.string(agent)
        writer.key("range_seconds")
        writer.seconds(range)
        writer.key("bucket_seconds")
        writer.seconds(ActivityBucket.width)
        AgentJSON.time("from", from, &writer)
        AgentJSON.time("until", to, &writer)
        writeSummary(into: &writer)
        writer.key("transitions")
        writer.beginArray()
        for transition in transitions { AgentJSON.write(transition, into: &writer) }
        writer.endArray()
        writer.key("uptime")
        writer.beginObject()
        for (label, ratio) in uptimes {
            writer.key(label)
            Self.ratio(ratio, &writer)
        }
        writer.endObject()
    }

    /// The uptime, the segments and per-bucket arrays of tasks and cost (`count` entries from `firstBucket`).
    func writeCompact(firstBucket: Timestamp, count: Int, into writer: inout JSONWriter) {
        writer.key("uptime_ratio")
        Self.ratio(uptime, &writer)
        writeSegments(into: &writer)
        var succeeded = [Int](repeating: 0, count: count)
        var failed = succeeded
        var cost = [Double](repeating: 0, count: count)
        for bucket in buckets {
            let index = Int((bucket.start - firstBucket).milliseconds / ActivityBucket.width.milliseconds)
            guard index >= 0, index < count else { continue }
            succeeded[index] = bucket.tasksSucceeded
            failed[index] = bucket.tasksFailed
            cost[index] = bucket.costUSD
        }
        for (key, values) in [("tasks_succeeded", succeeded), ("tasks_failed", failed)] {
            writer.key(key)
            writer.beginArray()
            for value in values { writer.int(value) }
            writer.endArray()
        }
        writer.key("cost_usd")
        writer.beginArray()
        for value in cost { writer.number(value) }
        writer.endArray()
    }

    /// Buckets, segments and the uptime over the range.
    func writeSummary(into writer: inout JSONWriter) {
        writer.key("uptime_ratio")
        Self.ratio(uptime, &writer)
        writeSegments(into: &writer)
        writer.key("buckets")
        writer.beginArray()
        for bucket in buckets { Self.write(bucket, into: &writer) }
        writer.endArray()
    }

    private func writeSegments(into writer: inout JSONWriter) {
        writer.key("segments")
        writer.beginArray()
        for segment in segments {
            writer.beginObject()
            writer.key("state")
            writer.string(segment.state.rawValue)
            AgentJSON.time("start", segment.start, &writer)
            AgentJSON.time("end", segment.end, &writer)
            writer.endObject()
        }
        writer.endArray()
    }

    private static func ratio(_ ratio: Double?, _ writer: inout JSONWriter) {
        if let ratio { writer.number(ratio) } else { writer.null() }
    }

    private static func write(_ bucket: ActivityBucket, into writer: inout JSONWriter) {
        writer.beginObject()
        AgentJSON.time("start", bucket.start, &writer)
        for (key, value) in [
            ("beats", bucket.beats), ("tasks_succeeded", bucket.tasksSucceeded), ("tasks_failed", bucket.tasksFailed),
        ] {
            writer.key(key)
            writer.int(value)
        }
        AgentJSON.number("cost_usd", bucket.costUSD, &writer)
        AgentJSON.number("tokens", bucket.tokens, &writer)
        writer.key("latency_p95_seconds")
        ratio(bucket.latencyP95Seconds, &writer)
        writer.key("state")
        writer.string(bucket.state.rawValue)
        writer.endObject()
    }
}
