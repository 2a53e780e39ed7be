import Fleet
import HTTP
import JSON
import Model
import Storage

/// Maintenance windows (admin): `POST /api/v1/agents/{agent}/maintenance`, `DELETE` of the same path to end one
/// early, and `POST /api/v1/maintenance` for every agent the body's `matchers` select. Each change is committed to
/// storage before the reply, so it survives a restart.
struct MaintenanceAPI: Sendable {
    let registry: AgentRegistry
    let persistence: FleetPersistence
    let access: AccessControl
    let clock: any WallClock

    /// `POST /api/v1/agents/{agent}/maintenance` with `until` or `duration`, `reason`, `by`: replies with the agent.
    func start(_ request: HTTPRequest, _ name: String) -> HTTPResponse {
        if let refusal = access.refuseAdmin(request) { return refusal }
        if let refusal = StoragePreflight.refusal(persistence) { return refusal }
        let now = clock.now()
        let body: MaintenanceBody
        switch MaintenanceBody.parse(request.body, at: now, wantsMatchers: false) {
        case .success(let parsed): body = parsed
        case .failure(let failure): return APIResponse.error(failure.status, failure.message)
        }
        let record: AgentRecord
        do throws(RegistryError) {
            record = try registry.startMaintenance(name, window: body.window)
        } catch {
            return APIResponse.error(404, "unknown agent \"\(name)\"")
        }
        return reply(now) { AgentJSON.write(record, at: now, policy: $1, into: &$0) }
    }

    /// `DELETE /api/v1/agents/{agent}/maintenance`: ends the open window now; replies with the agent, or 409 when no
    /// window is open.
    func end(_ request: HTTPRequest, _ name: String) -> HTTPResponse {
        if let refusal = access.refuseAdmin(request) { return refusal }
        if let refusal = StoragePreflight.refusal(persistence) { return refusal }
        let action: OperatorAction
        switch ActionBody.parse(request.body, at: clock.now()) {
        case .success(let parsed): action = parsed
        case .failure(let failure): return APIResponse.error(failure.status, failure.message)
        }
        let record: AgentRecord
        do throws(RegistryError) {
            record = try registry.endMaintenance(name, action: action)
        } catch {
            // As Alertmanager refuses to expire a silence that already ended: nothing was open, so nothing ended.
            return APIResponse.error(error == .unknownAgent(name) ? 404 : 409, error.description)
        }
        return reply(action.at) { AgentJSON.write(record, at: action.at, policy: $1, into: &$0) }
    }

    /// `POST /api/v1/maintenance` with `matchers`, `until` or `duration`, `reason`, `by`: replies with the window and
    /// the agents it covers (`{"agents": [...], "until": …}`); an empty list when none matched.
    func startMatching(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = access.refuseAdmin(request) { return refusal }
        if let refusal = StoragePreflight.refusal(persistence) { return refusal }
        let now = clock.now()
        let body: MaintenanceBody
        switch MaintenanceBody.parse(request.body, at: now, wantsMatchers: true) {
        case .success(let parsed): body = parsed
        case .failure(let failure): return APIResponse.error(failure.status, failure.message)
        }
        let records = registry.startMaintenance(matching: body.matchers, window: body.window)
        return reply(now) { writer, _ in
            writer.beginObject()
            writer.key("agents")
            writer.beginArray()
            for record in records { writer.string(record.name) }
            writer.endArray()
            AgentJSON.time("starts_at", body.window.startsAt, &writer)
            AgentJSON.time("until", body.window.until, &writer)
            writer.endObject()
        }
    }

    /// Commits, then replies with `data`; a failed commit is a 500 that says the change is in effect.
    private func reply(_ now: Timestamp, _ data: (inout JSONWriter, HealthPolicy) -> Void) -> HTTPResponse {
        do throws(StorageError) {
            try persistence.commit()
        } catch {
            return APIResponse.error(
                503,
                "the change is in effect on this node but could not be saved; it is saved once the storage is back: "
                    + "\(error)")
        }
        let policy = registry.currentConfiguration.policy
        return APIResponse.success { data(&$0, policy) }
    }
}
