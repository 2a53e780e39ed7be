import Model
import AlertPipeline
import Alerting
import HTTP
import Logging
import JSON

/// Alertmanager's API v2, so that `amtool` and Alertmanager clients work against the exporter: status,
/// alerts, alert groups and silences, with Alertmanager's bodies (no Prometheus envelope) and errors (a
/// JSON string with 400, an empty 404). Silence writes are admin writes (DESIGN §4).
struct AlertmanagerAPI: Sendable {
    let router: AlertRouter
    let access: AccessControl
    /// The status body's `config.original` and `uptime`.
    let status: @Sendable () -> AlertmanagerStatus
    let clock: any WallClock
    let logger: Logger

    /// `GET /api/v2/status`.
    func getStatus(_ request: HTTPRequest) -> HTTPResponse {
        Self.json(status().encoded())
    }

    /// `GET /api/v2/alerts[?active&silenced&inhibited&unprocessed&filter&receiver]`.
    func getAlerts(_ request: HTTPRequest) -> HTTPResponse {
        answer(request) { APIv2Encoding.alerts(router.alerts($0)) }
    }

    /// `GET /api/v2/alerts/groups[?…]`, with the same filters.
    func getAlertGroups(_ request: HTTPRequest) -> HTTPResponse {
        answer(request) { APIv2Encoding.alertGroups(router.alertGroups($0)) }
    }

    /// The body `list` gives for the request's alert filters, or 400 naming the filter that does not parse.
    private func answer(_ request: HTTPRequest, _ list: (AlertQuery) -> [UInt8]) -> HTTPResponse {
        do throws(QueryError) {
            return Self.json(list(try Self.alertQuery(request)))
        } catch {
            return Self.badRequest(error.message)
        }
    }

    /// `GET /api/v2/silences[?filter=…]`.
    func getSilences(_ request: HTTPRequest) -> HTTPResponse {
        var filter: [LabelMatcher] = []
        for text in request.queryItems.filter({ $0.name == "filter" }).map(\.value) {
            do throws(MatcherError) {
                filter.append(try MatcherParser.parse(text))
            } catch {
                return Self.badRequest(error.message)
            }
        }
        let (silences, now) = router.silences(matching: filter)
        return Self.json(APIv2Encoding.silences(silences, at: now))
    }

    /// `GET /api/v2/silence/{id}`.
    func getSilence(_ id: String) -> HTTPResponse {
        guard let silence = router.silence(id: id) else { return HTTPResponse(status: 404, headers: [], body: []) }
        return Self.json(APIv2Encoding.silence(silence, at: clock.now()))
    }

    /// `POST /api/v2/silences`: creates or updates; answers `{"silenceID": …}`.
    func postSilence(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = refuse(request) { return refusal }
        do throws(SilenceWriteError) {
            let silence: Silence
            do throws(SilenceError) {
                silence = try APIv2Decoding.postableSilence(request.body)
            } catch {
                throw .refused(error)
            }
            let stored = try router.postSilence(silence)
            logger.info(
                "silence saved",
                metadata: [
                    "id": "\(stored.id)", "created_by": "\(stored.createdBy)",
                    "matchers": "\(stored.matchers.alertmanagerDescription)",
                ])
            return Self.json(APIv2Encoding.postedSilence(id: stored.id))
        } catch {
            return Self.failure(error)
        }
    }

    /// `DELETE /api/v2/silence/{id}`: expires it now.
    func deleteSilence(_ request: HTTPRequest, _ id: String) -> HTTPResponse {
        if let refusal = refuse(request) { return refusal }
        do throws(SilenceWriteError) {
            try router.expireSilence(id: id)
            logger.info("silence expired", metadata: ["id": "\(id)"])
            return HTTPResponse(status: 200, headers: [], body: [])
        } catch {
            return Self.failure(error)
        }
    }

    /// The admin rule, with the refusal worded as Alertmanager words errors (a JSON string).
    private func refuse(_ request: HTTPRequest) -> HTTPResponse? {
        guard let refusal = access.adminRefusal(request) else { return nil }
        return HTTPResponse(
            status: refusal.status, headers: refusal.headers + [("Content-Type", "application/json")],
            body: Self.jsonString(refusal.message))
    }

    private static func failure(_ error: SilenceWriteError) -> HTTPResponse {
        switch error {
        case .refused(.notFound): HTTPResponse(status: 404, headers: [], body: [])
        case .refused(let reason): badRequest(reason.description)
        case .storage(let failure):
            HTTPResponse(
                status: 503, headers: [("Content-Type", "application/json")],
                body: jsonString("not saved, nothing changed: \(failure.description)"))
        }
    }

    /// A query parameter that does not parse.
    struct QueryError: Error {
        let message: String
    }

    /// The filters of `/api/v2/alerts` and `/api/v2/alerts/groups`.
    /// - Throws: ``QueryError`` naming the parameter that is not a boolean or a matcher that does not parse.
    static func alertQuery(_ request: HTTPRequest) throws(QueryError) -> AlertQuery {
        var query = AlertQuery()
        for (name, keyPath) in [
            ("active", \AlertQuery.active), ("silenced", \.silenced), ("inhibited", \.inhibited),
            ("unprocessed", \.unprocessed),
        ] {
            guard let text = request.query[name] else { continue }
            guard let value = goSwaggerBool(text) else {
                throw QueryError(message: "\(name) in query must be of type boolean: \"\(text)\"")
            }
            query[keyPath: keyPath] = value
        }
        do throws(MatcherError) {
            try query.parse(
                filters: request.queryItems.filter { $0.name == "filter" }.map(\.value),
                receiver: request.query["receiver"])
        } catch {
            throw QueryError(message: error.message)
        }
        return query
    }

    /// go-swagger's boolean parameters: `true`, `1`, `yes`, `ok`, `y`, `on`, `selected`, `checked`, `t`,
    /// `enabled` and their opposites, in any case.
    static func goSwaggerBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "ok", "y", "on", "selected", "checked", "t", "enabled": true
        case "false", "0", "no", "n", "off", "f", "disabled": false
        default: nil
        }
    }

    private static func json(_ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: body)
    }

    private static func badRequest(_ message: String) -> HTTPResponse {
        HTTPResponse(status: 400, headers: [("Content-Type", "application/json")], body: jsonString(message))
    }

    /// A JSON string and a newline, as go-swagger writes an error payload.
    static func jsonString(_ text: String) -> [UInt8] {
        var writer = JSONWriter.goStyle()
        writer.string(text)
        return writer.bytes + [UInt8(ascii: "\n")]
    }
}
