import Model

/// The fleet's chart: agents per state at each bucket boundary and the cost per bucket, kept in ``ActivityStorage``
/// for the activity retention (`fleet_activity`) and in memory for the last ``FleetActivity/fleetSpan``.
extension FleetActivity {
    /// How far back ``fleetPoints`` reach.
    public static let fleetSpan = PrometheusDuration.hours(24)

    /// The fleet per 5-minute bucket over the last 24 hours, oldest first: agents per state at each boundary the
    /// maintenance thread passed (this run or an earlier one, restored by ``restoreFleetPoints()``), and the cost of
    /// the buckets written so far. With a shared store, what all nodes wrote plus what this one has not written yet;
    /// this node's own view when the store cannot be read.
    public var fleetPoints: [FleetActivityPoint] {
        if storeIsShared, let shared = sharedFleetPoints() { return shared }
        return state.withLock { $0.fleet.values.sorted { $0.start < $1.start } }
    }

    private func sharedFleetPoints() -> [FleetActivityPoint]? {
        let now = clock.now()
        guard let stored = try? store.fleetActivity(from: now - Self.fleetSpan, to: now + ActivityBucket.width)
        else { return nil }
        var points = Dictionary(stored.map { ($0.start, $0) }, uniquingKeysWith: { first, _ in first })
        state.withLock { state in
            for (start, unsaved) in state.fleetUnsaved where start >= now - Self.fleetSpan {
                points[start, default: FleetActivityPoint(start: start)].add(unsaved)
            }
        }
        return points.values.sorted { $0.start < $1.start }
    }

    /// Reads back the fleet's points of the last ``fleetSpan`` written before a restart (the exporter calls it once
    /// at start); points noted since are kept, with the stored cost added.
    /// - Throws: ``StorageError`` when they cannot be read.
    public func restoreFleetPoints() throws(StorageError) {
        let now = clock.now()
        let stored = try store.fleetActivity(from: now - Self.fleetSpan, to: now + ActivityBucket.width)
        state.withLock { state in
            for point in stored {
                guard var current = state.fleet[point.start] else {
                    state.fleet[point.start] = point
                    continue
                }
                current.costUSD += point.costUSD
                current.states = current.states ?? point.states
                state.fleet[point.start] = current
            }
        }
    }

    /// Writes what the fleet's points gained; on failure it is written with the next flush.
    func save(_ points: [FleetActivityPoint]) -> StorageError? {
        guard !points.isEmpty else { return nil }
        do {
            try store.saveFleetActivity(points)
            return nil
        } catch {
            state.withLock { state in
                for point in points where state.fleet[point.start] != nil {
                    // Counted again since: the newer count stands, the costs add up.
                    var unsaved = point
                    if let newer = state.fleetUnsaved[point.start] { unsaved.add(newer) }
                    state.fleetUnsaved[point.start] = unsaved
                }
            }
            return error
        }
    }
}

extension FleetActivityPoint {
    /// Adds what `gained` holds: its cost, and its agents per state when it counted them (a later count).
    public mutating func add(_ gained: FleetActivityPoint) {
        costUSD += gained.costUSD
        if let states = gained.states { self.states = states }
    }
}

extension FleetActivity.State {
    /// Adds the cost of the buckets that ended to their points (with that of their parts written earlier, kept in
    /// ``openFleetCost``; with `includingOpen`, at shutdown, that of the buckets under way too) and, at a boundary,
    /// the agents per state to the bucket that ended; forgets points older than ``FleetActivity/fleetSpan``
    /// (storage keeps them for the retention).
    mutating func noteFleet(
        _ closed: [ActivityBucket], counts: [HealthState: Int]?, at now: Timestamp, includingOpen: Bool = false
    ) {
        for bucket in closed {
            openFleetCost[bucket.start, default: 0] += bucket.costUSD
        }
        for (start, cost) in openFleetCost where includingOpen || start + ActivityBucket.width <= now {
            openFleetCost[start] = nil
            fleet[start, default: FleetActivityPoint(start: start)].costUSD += cost
            fleetUnsaved[start, default: FleetActivityPoint(start: start)].costUSD += cost
        }
        guard let counts else { return }
        let ended = ActivityBucket.start(of: now) - ActivityBucket.width
        fleet[ended, default: FleetActivityPoint(start: ended)].states = counts
        fleetUnsaved[ended, default: FleetActivityPoint(start: ended)].states = counts
        let oldest = now - FleetActivity.fleetSpan
        fleet = fleet.filter { $0.key >= oldest }
    }

    /// What the points gained since the last write (cost to add, agents per state when counted), now marked
    /// written.
    mutating func takeUnsavedFleetPoints() -> [FleetActivityPoint] {
        defer { fleetUnsaved.removeAll(keepingCapacity: true) }
        return fleetUnsaved.values.sorted { $0.start < $1.start }
    }
}
