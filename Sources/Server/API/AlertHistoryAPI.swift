import AlertPipeline
import Alerting
import HTTP
import JSON
import Model

/// `GET /api/v1/alerts/history` and `GET /api/v1/notifications`: the alert history's episodes and notification
/// attempts, newest first, a page at a time.
///
/// Parameters (all optional): `since` and `until` (RFC 3339, Unix seconds, or a duration such as `24h` meaning
/// that long before now), `match[]` (repeatable; Alertmanager matchers such as `{agent="w1",severity=~"crit.*"}`;
/// an item is kept when any `match[]` selects it: episodes by their labels, attempts by their group's labels),
/// `limit` (1 to 1000, default 100) and `cursor` (the `nextCursor` of the previous page, `<milliseconds>_<id>`).
/// A bad parameter is a 400 naming it.
struct AlertHistoryAPI: Sendable {
    let history: AlertHistory
    let clock: any WallClock

    /// `GET /api/v1/alerts/history`: `{"episodes": […], "nextCursor": "…"|null}`.
    func episodes(_ request: HTTPRequest) -> HTTPResponse {
        respond(request) { (query) throws(StorageError) in
            let page = try history.episodes(query)
            return { writer in
                Self.writePage(page, key: "episodes", into: &writer) { Self.write($0, into: &$1) }
            }
        }
    }

    /// `GET /api/v1/notifications`: `{"notifications": […], "nextCursor": "…"|null}`.
    func notifications(_ request: HTTPRequest) -> HTTPResponse {
        respond(request) { (query) throws(StorageError) in
            let page = try history.notificationAttempts(query)
            return { writer in
                Self.writePage(page, key: "notifications", into: &writer) { Self.write($0, into: &$1) }
            }
        }
    }

    private func respond(
        _ request: HTTPRequest,
        _ read: (HistoryQuery) throws(StorageError) -> (inout JSONWriter) -> Void
    ) -> HTTPResponse {
        let query: HistoryQuery
        do throws(QueryParameters.Invalid) {
            query = try HistoryQueryParameters.query(request, now: clock.now())
        } catch {
            return APIResponse.error(400, error.message)
        }
        do throws(StorageError) {
            let write = try read(query)
            return APIResponse.success(write)
        } catch {
            return APIResponse.error(500, "reading the alert history failed: \(error)")
        }
    }

    private static func writePage<Item>(
        _ page: HistoryPage<Item>, key: String, into writer: inout JSONWriter,
        item: (Item, inout JSONWriter) -> Void
    ) {
        writer.beginObject()
        writer.key(key)
        writer.beginArray()
        for element in page.items { item(element, &writer) }
        writer.endArray()
        writer.key("nextCursor")
        if let next = page.next { writer.string(next.description) } else { writer.null() }
        writer.endObject()
    }

    /// One episode: times in RFC 3339, durations in seconds.
    static func write(_ episode: AlertEpisode, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        writer.string(episode.id)
        writer.key("labels")
        QueryResultJSON.writeLabels(episode.labels, into: &writer)
        writer.key("state")
        writer.string(episode.phase.rawValue)
        writeTime("startsAt", episode.startedAt, into: &writer)
        writeTime("firedAt", episode.firedAt, into: &writer)
        writeTime("resolvedAt", episode.resolvedAt, into: &writer)
        writer.key("peakValue")
        if let peak = episode.peakValue { writer.number(peak) } else { writer.null() }
        writer.key("durationSeconds")
        writer.seconds((episode.resolvedAt ?? episode.accountedUntil) - episode.startedAt)
        writer.key("secondsIn")
        writeTimes(episode.times, into: &writer)
        writer.endObject()
    }

    private static func writeTimes(_ times: EpisodeTimes, into writer: inout JSONWriter) {
        writer.beginObject()
        for (name, span) in [
            ("pending", times.pending), ("firing", times.firing), ("silenced", times.silenced),
            ("inhibited", times.inhibited), ("acknowledged", times.acknowledged), ("killed", times.killed),
            ("maintenance", times.maintenance), ("dependency", times.dependency),
        ] {
            writer.key(name)
            writer.seconds(span)
        }
        writer.endObject()
    }

    private static func writeTime(_ key: String, _ time: Timestamp?, into writer: inout JSONWriter) {
        writer.key(key)
        if let time { writer.rfc3339(time) } else { writer.null() }
    }

    /// One notification attempt.
    static func write(_ attempt: NotificationAttempt, into writer: inout JSONWriter) {
        writer.beginObject()
        for (key, value) in [
            ("id", attempt.id), ("receiver", attempt.receiver), ("integration", attempt.integration),
            ("groupKey", attempt.groupKey),
        ] {
            writer.key(key)
            writer.string(value)
        }
        writer.key("groupLabels")
        QueryResultJSON.writeLabels(attempt.groupLabels, into: &writer)
        writeTime("time", attempt.at, into: &writer)
        for (key, value) in [("status", attempt.status), ("result", attempt.result), ("error", attempt.error)] {
            writer.key(key)
            writer.string(value)
        }
        writer.key("attempt")
        writer.int(attempt.attempt)
        writer.key("alerts")
        writer.int(attempt.alertCount)
        writer.endObject()
    }
}

/// The parameters of the history endpoints, read into a ``HistoryQuery``.
enum HistoryQueryParameters {
    static func query(_ request: HTTPRequest, now: Timestamp) throws(QueryParameters.Invalid) -> HistoryQuery {
        var query = HistoryQuery()
        query.range.since = try time("since", request, now: now)
        query.range.until = try time("until", request, now: now)
        if let since = query.range.since, let until = query.range.until, until < since {
            throw QueryParameters.Invalid(parameter: "until", reason: "must not be before since")
        }
        for text in request.formValues("match[]") {
            do throws(MatcherError) {
                query.matchers.append(try MatcherParser.parseList(text))
            } catch {
                throw QueryParameters.Invalid(parameter: "match[]", reason: error.message)
            }
        }
        if let text = request.formValue("limit") {
            guard let limit = Int(text), (1...HistoryQuery.maximumLimit).contains(limit) else {
                throw QueryParameters.Invalid(
                    parameter: "limit", reason: "must be a whole number from 1 to \(HistoryQuery.maximumLimit)")
            }
            query.limit = limit
        }
        if let text = request.formValue("cursor"), !text.isEmpty {
            guard let cursor = HistoryCursor(text) else {
                throw QueryParameters.Invalid(
                    parameter: "cursor", reason: "must be the nextCursor of a previous page (<milliseconds>_<id>)")
            }
            query.cursor = cursor
        }
        return query
    }

    /// RFC 3339, Unix seconds, or a duration before `now`.
    private static func time(_ name: String, _ request: HTTPRequest, now: Timestamp) throws(QueryParameters.Invalid)
        -> Timestamp?
    {
        guard let text = request.formValue(name), !text.isEmpty else { return nil }
        if let time = QueryParameters.time(text) { return time }
        if let ago = try? PrometheusDuration(parsing: text) { return now - ago }
        throw QueryParameters.Invalid(
            parameter: name, reason: "cannot parse \"\(text)\" as RFC 3339, Unix seconds or a duration such as 24h")
    }
}
