import Model

extension MaintenanceWindow {
    /// A window from `now` until `until`, checked: it must end after `now` and last at most ``maxDuration``.
    /// - Parameter field: the request field that set the end (`until` or `duration`), named in the error.
    /// - Throws: ``MaintenanceError`` naming `field`.
    public static func checked(
        from now: Timestamp, until: Timestamp, reason: String?, by: String?, field: String
    ) throws(MaintenanceError) -> MaintenanceWindow {
        guard until > now else { throw .endsInPast(field: field) }
        guard until - now <= maxDuration else { throw .tooLong(field: field) }
        return MaintenanceWindow(startsAt: now, until: until, reason: reason, by: by)
    }
}

extension AgentRegistry {
    /// Puts one agent in maintenance for `window` (replacing a window it has): its state is
    /// ``HealthState/maintenance`` until `window.until`, then its thresholds count from there. A killed or stopped
    /// agent keeps that state; the window still applies when it is resumed or revived within it.
    /// - Returns: the agent as it is after the change.
    /// - Throws: ``RegistryError/unknownAgent(_:)``.
    @discardableResult
    public func startMaintenance(_ name: String, window: MaintenanceWindow) throws(RegistryError) -> AgentRecord {
        let policy = currentConfiguration.policy
        return try update(name) { record, shard in
            Self.open(window, on: &record, shard: &shard, policy: policy)
        }
    }

    /// Puts every agent whose labels (``AgentRecord/matchLabels``: `agent`, `agent_type`, `host` and its own)
    /// match all of `matchers` in maintenance for `window`. Agents that appear later are not covered.
    /// - Returns: the agents put in maintenance, in the natural order of their names.
    @discardableResult
    public func startMaintenance(matching matchers: [LabelMatcher], window: MaintenanceWindow) -> [AgentRecord] {
        let policy = currentConfiguration.policy
        var changed: [AgentRecord] = []
        for index in 0..<Self.shardCount {
            let records =
                (try? withShard(atIndex: index) { shard -> [AgentRecord] in
                    var made: [AgentRecord] = []
                    for name in Array(shard.agents.keys) {
                        guard var record = shard.agents[name],
                            matchers.allSatisfy({ $0.matches(record.matchLabels) })
                        else { continue }
                        Self.open(window, on: &record, shard: &shard, policy: policy)
                        shard.agents[name] = record
                        shard.dirty.insert(name)
                        made.append(record)
                    }
                    return made
                }) ?? []
            changed += records
        }
        return changed.sorted { NaturalOrder.precedes($0.name, $1.name) }
    }

    /// Ends an agent's open maintenance window at `now`: its thresholds count from `now`. Changes nothing when no
    /// window is open.
    /// - Throws: ``RegistryError/unknownAgent(_:)``, or ``RegistryError/noOpenMaintenance(_:)`` when no window is
    ///   open.
    @discardableResult
    public func endMaintenance(_ name: String, action: OperatorAction) throws(RegistryError) -> AgentRecord {
        let policy = currentConfiguration.policy
        var wasOpen = false
        let record = try update(name) { record, shard in
            guard let window = record.maintenance, window.isOpen(at: action.at) else { return }
            wasOpen = true
            record.maintenance?.until = action.at
            let state = record.state(at: action.at, policy: policy)
            guard state != record.recordedState else { return }
            shard.record(record.transition(to: state, at: action.at, reason: action.describe("maintenance ended")))
        }
        guard wasOpen else { throw .noOpenMaintenance(name) }
        return record
    }

    private static func open(
        _ window: MaintenanceWindow, on record: inout AgentRecord, shard: inout Shard, policy: HealthPolicy
    ) {
        record.maintenance = window
        let state = record.state(at: window.startsAt, policy: policy)
        guard state != record.recordedState else { return }
        shard.record(record.transition(to: state, at: window.startsAt, reason: window.describe))
    }
}
