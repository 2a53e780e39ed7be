import Fleet
import HTTP
import JSON
import Model

/// `POST /api/v1/heartbeat` and `POST /api/v1/heartbeats` (DESIGN §4, §5).
struct HeartbeatAPI: Sendable {
    /// The most heartbeats one batch may carry.
    static let maxBatch = 1_000
    /// Where one heartbeat is sent.
    static let singlePath = "/api/v1/heartbeat"
    /// Where a batch of heartbeats is sent.
    static let batchPath = "/api/v1/heartbeats"

    let registry: AgentRegistry
    let decoder: HeartbeatDecoder
    let access: AccessControl
    let metrics: HeartbeatCounters
    /// The recent refusals, by agent and reason.
    let rejections: HeartbeatRejections
    let clock: any WallClock

    /// One heartbeat: 202 with the agent's state, or the error naming what is wrong.
    func single(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = refuseIngest(request) { return refusal }
        let document: JSONValue
        do throws(JSONParseError) {
            document = try JSONParser.parse(request.body)
        } catch {
            metrics.count(.invalid)
            return refuse(Failure(status: 400, message: error.description), reason: .malformedBody, agent: nil)
        }
        switch ingest(document, path: "") {
        case .success(let outcome):
            return APIResponse.success(status: 202) { write(outcome, into: &$0) }
        case .failure(let failure):
            return APIResponse.error(failure.status, failure.message)
        }
    }

    /// `POST /api/v1/agents/{agent}/start`: opens a run of the agent, as a beat `{"agent": …, "run": "start"}`
    /// would. The body is optional; when sent, it is a heartbeat object (such as `{"max_runtime_seconds": 3600,
    /// "schedule": {…}}`) whose `agent`, if present, must be the one in the path and whose `run`, if present, must
    /// be `start`. 202 with the agent's state, as a heartbeat.
    func start(_ request: HTTPRequest, _ agent: String) -> HTTPResponse {
        if let refusal = refuseIngest(request) { return refusal }
        var members: [(String, JSONValue)] = []
        if !request.body.isEmpty {
            do throws(JSONParseError) {
                guard case .object(let object) = try JSONParser.parse(request.body) else {
                    metrics.count(.invalid)
                    let failure = Failure(status: 422, message: "body must be a JSON object")
                    return refuse(failure, reason: .malformedBody, agent: nil)
                }
                members = object.members
            } catch {
                metrics.count(.invalid)
                return refuse(Failure(status: 400, message: error.description), reason: .malformedBody, agent: nil)
            }
        }
        for (key, expected) in [("agent", agent), ("run", RunSignal.Phase.start.rawValue)] {
            guard let value = members.first(where: { $0.0 == key })?.1 else { continue }
            guard case .string(let text) = value, text == expected else {
                metrics.count(.invalid)
                let failure = Failure(status: 422, message: "field \"\(key)\": must be \"\(expected)\" at this path")
                return refuse(failure, reason: .malformedBody, agent: nil)
            }
        }
        members.removeAll { $0.0 == "agent" || $0.0 == "run" }
        members += [("agent", .string(agent)), ("run", .string(RunSignal.Phase.start.rawValue))]
        switch ingest(.object(JSONObject(members)), path: "") {
        case .success(let outcome):
            return APIResponse.success(status: 202) { write(outcome, into: &$0) }
        case .failure(let failure):
            return APIResponse.error(failure.status, failure.message)
        }
    }

    /// Up to ``maxBatch`` heartbeats in a JSON array; 202 with one result per item, in order.
    func batch(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = refuseIngest(request) { return refusal }
        let items: [JSONValue]
        do throws(JSONParseError) {
            guard case .array(let array) = try JSONParser.parse(request.body) else {
                metrics.count(.invalid)
                let failure = Failure(status: 422, message: "body must be a JSON array of heartbeats")
                return refuse(failure, reason: .malformedBody, agent: nil)
            }
            items = array
        } catch {
            metrics.count(.invalid)
            return refuse(Failure(status: 400, message: error.description), reason: .malformedBody, agent: nil)
        }
        guard items.count <= Self.maxBatch else {
            metrics.count(.invalid)
            let failure = Failure(
                status: 422, message: "at most \(Self.maxBatch) heartbeats per batch, got \(items.count)")
            return refuse(failure, reason: .malformedBody, agent: nil)
        }
        let results = items.enumerated().map { index, item in ingest(item, path: "[\(index)]") }
        return APIResponse.success(status: 202) { writer in writeBatch(results, into: &writer) }
    }

    /// Why one heartbeat was refused.
    struct Failure: Error {
        var status: Int
        var message: String
    }

    private func ingest(_ document: JSONValue, path: String) -> Result<IngestOutcome, Failure> {
        let beat: Heartbeat
        do throws(HeartbeatError) {
            beat = try decoder.decode(document, path: path)
        } catch {
            let limited = error.kind == .limitReached
            metrics.count(limited ? .limited : .invalid)
            let failure = Failure(status: limited ? 429 : 422, message: error.description)
            record(failure, reason: RejectionReason(error), agent: decoder.readableAgentName(document))
            return .failure(failure)
        }
        do throws(RegistryError) {
            let outcome = try registry.ingest(beat, at: clock.now())
            metrics.count(outcome.duplicate ? .duplicate : .accepted)
            return .success(outcome)
        } catch {
            if case .dependencyCycle(let cycle) = error {
                metrics.count(.invalid)
                let field = path.isEmpty ? "depends_on" : "\(path).depends_on"
                let failure = Failure(status: 422, message: "field \"\(field)\": \(cycle)")
                record(failure, reason: RejectionReason(error), agent: beat.agent)
                return .failure(failure)
            }
            metrics.count(.limited)
            let failure = Failure(status: 429, message: error.description)
            record(failure, reason: RejectionReason(error), agent: beat.agent)
            return .failure(failure)
        }
    }

    /// The refusal of a request without a valid ingest token, counted and recorded (its body is not read).
    private func refuseIngest(_ request: HTTPRequest) -> HTTPResponse? {
        guard let refusal = access.ingestRefusal(request) else { return nil }
        countUnauthorized(status: refusal.status, message: refusal.message)
        return AccessControl.response(refusal)
    }

    /// Counts and records `request` as a refused heartbeat when it is one (refused before it reached this API,
    /// e.g. by basic auth), so a fleet sending wrong credentials shows as one sending a wrong token does.
    func noteRefusedBeforeReading(_ request: HTTPRequest, status: Int, message: String) {
        guard request.method == "POST", request.path == Self.singlePath || request.path == Self.batchPath else {
            return
        }
        countUnauthorized(status: status, message: message)
    }

    private func countUnauthorized(status: Int, message: String) {
        metrics.count(.unauthorized)
        rejections.record(agent: nil, reason: .unauthorized, status: status, message: message, at: clock.now())
    }

    /// Records a refusal of the whole request and answers it.
    private func refuse(_ failure: Failure, reason: RejectionReason, agent: String?) -> HTTPResponse {
        record(failure, reason: reason, agent: agent)
        return APIResponse.error(failure.status, failure.message)
    }

    private func record(_ failure: Failure, reason: RejectionReason, agent: String?) {
        rejections.record(
            agent: agent, reason: reason, status: failure.status, message: failure.message, at: clock.now())
    }

    private func write(_ outcome: IngestOutcome, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("agent")
        writer.string(outcome.agent)
        writer.key("state")
        writer.string(outcome.state.rawValue)
        writer.key("killed")
        writer.bool(outcome.killed)
        if outcome.killed {
            writer.key("directive")
            writer.string("stop")
        }
        if outcome.duplicate {
            writer.key("duplicate")
            writer.bool(true)
        }
        writer.endObject()
    }

    private func writeBatch(_ results: [Result<IngestOutcome, Failure>], into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("accepted")
        writer.int(results.count { if case .success = $0 { true } else { false } })
        writer.key("rejected")
        writer.int(results.count { if case .failure = $0 { true } else { false } })
        writer.key("results")
        writer.beginArray()
        for result in results {
            switch result {
            case .success(let outcome):
                write(outcome, into: &writer)
            case .failure(let failure):
                writer.beginObject()
                writer.key("status")
                writer.string("error")
                writer.key("code")
                writer.int(failure.status)
                writer.key("errorType")
                writer.string(APIErrorType.forStatus(failure.status).rawValue)
                writer.key("error")
                writer.string(failure.message)
                writer.endObject()
            }
        }
        writer.endArray()
        writer.endObject()
    }
}
