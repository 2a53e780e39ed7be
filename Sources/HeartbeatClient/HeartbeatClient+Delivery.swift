import Foundation
import Logging

/// What became of one request after its retries.
enum PostOutcome {
    /// A 2xx reply.
    case replied(HTTPReply)
    /// A 4xx reply: the exporter refused the request itself; retrying would not help.
    case refused
    /// No reply, or 5xx, on every attempt.
    case unreachable
}

extension HeartbeatClient {
    /// Sends a heartbeat now, with everything reported since the last one.
    ///
    /// Beats queued while the exporter was unreachable go first, with their original `seq`.
    /// - Returns: the exporter's reply, or nil when the beat could not be delivered (it stays queued) or the
    ///   client has stopped beating. Never throws: delivery problems are logged and counted in ``stats``.
    @discardableResult
    public func beat() async -> BeatReply? {
        guard !halted else { return nil }
        seq += 1
        let body = HeartbeatBody(identity, seq: seq, interval: interval, usage: usage.take(), gauges: gauges)
        enqueue(seq: seq, body: body.encoded())
        let outcome = await deliverInOrder(upTo: seq)
        await noteKillState(outcome.reply, killed: outcome.killed)
        return outcome.reply
    }

    private func enqueue(seq: UInt64, body: Data) {
        queue.append((seq, body))
        while queue.count > maxPending {
            let dropped = queue.removeFirst()
            statsSoFar.dropped += 1
            logger.warning("heartbeat queue full: dropped a beat", metadata: ["seq": "\(dropped.seq)"])
        }
    }

    /// Runs a flush after the previous one has finished, so that beats leave in `seq` order.
    private func deliverInOrder(upTo target: UInt64) async -> (reply: BeatReply?, killed: Bool) {
        let previous = lastDelivery
        let delivery = Task {
            _ = await previous?.value
            return await self.flush(upTo: target)
        }
        lastDelivery = delivery
        return await delivery.value
    }

    /// Delivers queued beats up to `target`, oldest first; stops at the first failure or kill reply.
    private func flush(upTo target: UInt64) async -> (reply: BeatReply?, killed: Bool) {
        var newest: BeatReply?
        while let next = queue.first, next.seq <= target {
            let outcome = await post(beatPath, body: next.body)
            if case .unreachable = outcome { return (newest, false) }
            removeQueued(next.seq)
            guard case .replied(let reply) = outcome else { continue }
            statsSoFar.delivered += 1
            guard let beat = ReplyEnvelope.decode(reply.body)?.beatReply(seq: next.seq) else { continue }
            statsSoFar.duplicates += beat.duplicate ? 1 : 0
            newest = beat
            if beat.killed { return (beat, true) }
        }
        return (newest, false)
    }

    /// Removes a delivered beat, unless ``stopBeating()`` or a full queue removed it meanwhile.
    private func removeQueued(_ seq: UInt64) {
        if queue.first?.seq == seq { queue.removeFirst() }
    }

    /// One request to `path`, retried with backoff while no exporter can be reached or every one answers 5xx;
    /// each attempt tries the exporter that answered last, then the others in their order.
    func post(_ path: String, body: Data) async -> PostOutcome {
        var lastError = ""
        for attempt in 0...retry.retries {
            if attempt > 0 {
                statsSoFar.retries += 1
                try? await clock.sleep(for: retry.pause(beforeRetry: attempt))
            }
            let order = [currentBase] + bases.indices.filter { $0 != currentBase }
            for index in order {
                let url = bases[index].appendingPathComponent(path)
                do {
                    let reply = try await transport.post(url, body: body, token: token, timeout: retry.timeout)
                    switch reply.status {
                    case 200..<300:
                        currentBase = index
                        recovered()
                        return .replied(reply)
                    case 400..<500:
                        refused(url, reply)
                        return .refused
                    default:
                        lastError = "HTTP \(reply.status) from \(url)"
                    }
                } catch {
                    lastError = "cannot reach \(url): \(error.localizedDescription)"
                }
            }
        }
        unreachable(lastError)
        return .unreachable
    }

    private func refused(_ url: URL, _ reply: HTTPReply) {
        let message = ReplyEnvelope.decode(reply.body)?.error ?? ""
        let text = "HTTP \(reply.status)" + (message.isEmpty ? "" : ": \(message)")
        statsSoFar.dropped += 1
        statsSoFar.lastError = text
        logger.error("the exporter refused a request; not retrying", metadata: ["url": "\(url)", "error": "\(text)"])
    }

    private func unreachable(_ error: String) {
        statsSoFar.failures += 1
        statsSoFar.lastError = error
        if inOutage {
            logger.debug("heartbeat delivery still failing", metadata: ["error": "\(error)"])
        } else {
            logger.warning(
                "heartbeat delivery failed; the agent keeps working and the beat is sent again later",
                metadata: ["attempts": "\(retry.retries + 1)", "error": "\(error)"])
        }
        inOutage = true
    }

    private func recovered() {
        if inOutage { logger.info("heartbeats are delivered again", metadata: ["queued": "\(queue.count)"]) }
        inOutage = false
    }

    /// Tracks the kill flag and calls the kill handler when the agent has just been killed.
    private func noteKillState(_ reply: BeatReply?, killed nowKilled: Bool) async {
        guard let reply else { return }
        let newlyKilled = nowKilled && !killed
        killed = nowKilled
        guard newlyKilled else { return }
        if let onKilled {
            await onKilled(reply)
            return
        }
        logger.warning(
            "killed by an operator: heartbeats stop",
            metadata: ["agent": "\(reply.agent)", "directive": "\(reply.directive ?? "")"])
        stopBeating()
    }
}
