import AlertPipeline
import Fleet
import HTTP
import JSON
import Model
import Recovery
import Storage

/// The agent endpoints: list, get, history, and the lifecycle actions kill, resume, stop and delete.
struct AgentsAPI: Sendable {
    let registry: AgentRegistry
    let persistence: FleetPersistence
    let recovery: LadderRunner
    let access: AccessControl
    let clock: any WallClock
    /// Announces kills and resumes (`notices:`).
    let announce: @Sendable (Notice) -> Void
    /// Told of each agent resumed from a kill: its alerts still firing are notified at their group's next flush.
    let resumed: @Sendable (String) -> Void

    /// `GET /api/v1/agents[?state=…]`: the fleet (optionally one state) and counts per state.
    func list(_ request: HTTPRequest) -> HTTPResponse {
        var filter: HealthState?
        if let text = request.query["state"] {
            guard let state = HealthState(rawValue: text) else {
                let allowed = HealthState.allCases.map(\.rawValue).joined(separator: ", ")
                return APIResponse.error(400, "parameter \"state\": must be one of \(allowed), got \"\(text)\"")
            }
            filter = state
        }
        let now = clock.now(), policy = registry.currentConfiguration.policy
        let agents = registry.snapshot()
        let states = agents.map { $0.state(at: now, policy: policy) }
        return APIResponse.success { writer in
            writer.beginObject()
            writer.key("agents")
            writer.beginArray()
            for (agent, state) in zip(agents, states) where filter == nil || filter == state {
                AgentJSON.write(agent, at: now, policy: policy, into: &writer)
            }
            writer.endArray()
            writer.key("summary")
            AgentJSON.writeSummary(Dictionary(states.map { ($0, 1) }, uniquingKeysWith: +), into: &writer)
            writer.endObject()
        }
    }

    /// `GET /api/v1/agents/{agent}`.
    func get(_ name: String) -> HTTPResponse {
        guard let agent = registry.agent(named: name) else { return unknown(name) }
        let policy = registry.currentConfiguration.policy
        let run = recovery.run(of: name)
        return APIResponse.success {
            AgentJSON.write(
                agent, at: clock.now(), policy: policy, recoveryRun: run, dependencies: registry.dependencyMap(),
                into: &$0)
        }
    }

    /// `GET /api/v1/agents/{agent}/history`: transitions, oldest first.
    func history(_ name: String) -> HTTPResponse {
        guard let agent = registry.agent(named: name) else { return unknown(name) }
        return APIResponse.success { writer in
            writer.beginArray()
            for transition in agent.history { AgentJSON.write(transition, into: &writer) }
            writer.endArray()
        }
    }

    /// `POST /api/v1/agents/{agent}/kill` (admin).
    func kill(_ request: HTTPRequest, _ name: String) -> HTTPResponse {
        if let refusal = access.refuseAdmin(request) { return refusal }
        let record = act(request, name) { (action) throws(RegistryError) in try registry.kill(name, action: action) }
        if let (action, _) = record.done {
            announce(.agent(name, killed: true, by: action.by ?? "", reason: action.reason ?? ""))
        }
        return record.response
    }

    /// `POST /api/v1/agents/{agent}/resume` (admin).
    func resume(_ request: HTTPRequest, _ name: String) -> HTTPResponse {
        if let refusal = access.refuseAdmin(request) { return refusal }
        let wasKilled = registry.agent(named: name)?.killed != nil
        let record = act(request, name) { (action) throws(RegistryError) in try registry.resume(name, action: action) }
        if let (action, _) = record.done, wasKilled {
            announce(.agent(name, killed: false, by: action.by ?? "", reason: action.reason ?? ""))
            resumed(name)
        }
        return record.response
    }

    /// `POST /api/v1/agents/{agent}/stop`: the agent deregisters (guarded like heartbeats).
    func stop(_ request: HTTPRequest, _ name: String) -> HTTPResponse {
        if let refusal = access.refuseIngest(request) { return refusal }
        return act(request, name) { (action) throws(RegistryError) in try registry.stop(name, action: action) }.response
    }

    /// `DELETE /api/v1/agents/{agent}` (admin): forgets the agent, its series and its history.
    func delete(_ request: HTTPRequest, _ name: String) -> HTTPResponse {
        if let refusal = access.refuseAdmin(request) { return refusal }
        if let refusal = StoragePreflight.refusal(persistence) { return refusal }
        do throws(RegistryError) {
            try registry.delete(name)
        } catch {
            return unknown(name)
        }
        if let failure = commit() { return failure }
        return APIResponse.success { writer in
            writer.beginObject()
            writer.key("agent")
            writer.string(name)
            writer.key("deleted")
            writer.bool(true)
            writer.endObject()
        }
    }

    /// Reads `{"reason","by"}` from the body, applies the action, commits it, and replies with the agent;
    /// `done` holds the action and the agent when it was applied and committed.
    private func act(
        _ request: HTTPRequest, _ name: String, _ apply: (OperatorAction) throws(RegistryError) -> AgentRecord
    ) -> (response: HTTPResponse, done: (OperatorAction, AgentRecord)?) {
        let action: OperatorAction
        switch ActionBody.parse(request.body, at: clock.now()) {
        case .success(let parsed): action = parsed
        case .failure(let failure): return (APIResponse.error(failure.status, failure.message), nil)
        }
        if let refusal = StoragePreflight.refusal(persistence) { return (refusal, nil) }
        let record: AgentRecord
        do throws(RegistryError) {
            record = try apply(action)
        } catch {
            return (unknown(name), nil)
        }
        if let failure = commit() { return (failure, nil) }
        let policy = registry.currentConfiguration.policy
        return (
            APIResponse.success { AgentJSON.write(record, at: action.at, policy: policy, into: &$0) }, (action, record)
        )
    }

    /// Commits before the reply; nil when committed, else the 500 to send.
    private func commit() -> HTTPResponse? {
        do throws(StorageError) {
            try persistence.commit()
            return nil
        } catch {
            return APIResponse.error(
                503,
                "the change is in effect on this node but could not be saved; it is saved once the storage is back: "
                    + "\(error)")
        }
    }

    private func unknown(_ name: String) -> HTTPResponse {
        APIResponse.error(404, "unknown agent \"\(name)\"")
    }
}

/// The optional body of kill, resume and stop: `{"reason": "…", "by": "…"}`.
enum ActionBody {
    struct Failure: Error {
        var status: Int
        var message: String
    }

    static func parse(_ body: [UInt8], at time: Timestamp) -> Result<OperatorAction, Failure> {
        var action = OperatorAction(at: time)
        guard body.contains(where: { !isWhitespace($0) }) else { return .success(action) }
        let document: JSONValue
        do throws(JSONParseError) {
            document = try JSONParser.parse(body)
        } catch {
            return .failure(Failure(status: 400, message: error.description))
        }
        guard case .object(let object) = document else {
            return .failure(
                Failure(status: 422, message: "body must be a JSON object with optional \"reason\" and \"by\""))
        }
        for key in ["reason", "by"] {
            guard let value = object[key] else { continue }
            guard case .string(let text) = value, text.utf8.count <= 1024 else {
                return .failure(
                    Failure(status: 422, message: "field \"\(key)\": must be a string of at most 1024 bytes"))
            }
            if key == "reason" { action.reason = text } else { action.by = text }
        }
        return .success(action)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
