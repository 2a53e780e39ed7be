import Foundation

extension HeartbeatClient {
    /// Beats every `interval` in a background task (the first beat right away). The exporter judges the agent
    /// against this interval: degraded after 3 missed beats, unreachable after 10. Calling it again changes
    /// the interval. The loop ends with ``stopBeating()`` or ``stop(reason:)``, or when the client is released.
    public func startHeartbeat(every interval: Duration = .seconds(30)) {
        self.interval = interval
        guard !halted, heartbeatLoop == nil else { return }
        heartbeatLoop = Task { [weak self, clock] in
            while !Task.isCancelled {
                guard let pause = await self?.beatFromLoop() else { return }
                try? await clock.sleep(for: pause)
            }
        }
    }

    /// One beat of the background loop; the pause until the next, or nil once beating has stopped.
    private func beatFromLoop() async -> Duration? {
        await beat()
        return halted ? nil : interval ?? .seconds(30)
    }

    /// Stops the background loop and makes ``beat()`` do nothing, without telling the exporter; forgets queued
    /// beats. The default reaction to a kill; use ``stop(reason:)`` for a planned shutdown.
    public func stopBeating() {
        halted = true
        heartbeatLoop?.cancel()
        heartbeatLoop = nil
        queue.removeAll()
    }

    /// Deregisters gracefully: sends what is still buffered (task reports, spending, beats queued while the
    /// exporter was unreachable) in a last beat, then tells the exporter the agent stops on purpose (state
    /// `stopped`, no alerts). Beating ends; a beat from a new client revives the agent.
    ///
    /// Call it on every way out of the program, also after an error that ends it: Swift has no exit hook
    /// that could send later, so a program that exits or crashes (a trap, an uncaught signal) without it
    /// loses what was reported since its last beat — at most one interval's worth — and the exporter, hearing
    /// nothing more, reports the agent degraded and then unreachable.
    /// - Returns: true when the exporter acknowledged the stop. Never throws: an unreachable exporter is logged.
    @discardableResult
    public func stop(reason: String = "agent shut down") async -> Bool {
        if !halted, !usage.isEmpty || !queue.isEmpty { await beat() }
        stopBeating()
        _ = await lastDelivery?.value
        let body = (try? JSONEncoder().encode(["reason": reason, "by": identity.agent])) ?? Data()
        if case .replied = await post(stopPath, body: body) { return true }
        return false
    }
}
