import Model

/// The fleet's chart: agents per state at each bucket boundary and the cost per bucket, kept in ``ActivityStorage``
/// for the activity retention (`fleet_activity`) and in memory for the last ``FleetActivity/fleetSpan``.
extension FleetActivity {
    /// How far back ``fleetPoints`` reach.
    public static let fleetSpan = PrometheusDuration.hours(24)

    /// The fleet per 5-minute bucket over the last 24 hours, oldest first: agents per state at each boundary the
    /// maintenance thread passed (this run or an earlier one, restored by ``restoreFleetPoints()``), and the cost of
    /// the buckets written so far.
    public var fleetPoints: [FleetActivityPoint] {
        state.withLock { $0.fleet.values.sorted { $0.start < $1.start } }
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

    /// Writes the fleet's changed points; on failure they are written with the next flush.
    func save(_ points: [FleetActivityPoint]) -> StorageError? {
        guard !points.isEmpty else { return nil }
        do {
            try store.saveFleetActivity(points)
            return nil
        } catch {
            state.withLock { state in
                for point in points where state.fleet[point.start] != nil { state.fleetUnsaved.insert(point.start) }
            }
            return error
        }
    }
}

extension FleetActivity.State {
    /// Adds the closed buckets' cost to their points and, at a boundary, the agents per state to the bucket that
    /// ended; forgets points older than ``FleetActivity/fleetSpan`` (storage keeps them for the retention).
    mutating func noteFleet(_ closed: [ActivityBucket], counts: [HealthState: Int]?, at now: Timestamp) {
        for bucket in closed {
            fleet[bucket.start, default: FleetActivityPoint(start: bucket.start)].costUSD += bucket.costUSD
            fleetUnsaved.insert(bucket.start)
        }
        guard let counts else { return }
        let ended = ActivityBucket.start(of: now) - ActivityBucket.width
        fleet[ended, default: FleetActivityPoint(start: ended)].states = counts
        fleetUnsaved.insert(ended)
        let oldest = now - FleetActivity.fleetSpan
        fleet = fleet.filter { $0.key >= oldest }
    }

    /// The points changed since the last write, now marked written.
    mutating func takeUnsavedFleetPoints() -> [FleetActivityPoint] {
        defer { fleetUnsaved.removeAll(keepingCapacity: true) }
        return fleetUnsaved.sorted().compactMap { fleet[$0] }
    }
}
