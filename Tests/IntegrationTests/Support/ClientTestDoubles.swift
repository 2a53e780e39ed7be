import Foundation
import HeartbeatClient
import Synchronization
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A clock for the client: each read of `now` advances it by `step`, so a timed task lasts exactly `step`;
/// sleeps return at once and are recorded.
final class SteppingClock: Clock, Sendable {
    typealias Instant = ContinuousClock.Instant

    struct State {
        var now: ContinuousClock.Instant
        var sleeps: [Duration] = []
    }

    let step: Duration
    /// Protects the current time and the sleeps asked for.
    private let state: Mutex<State>

    init(step: Duration = .zero) {
        self.step = step
        state = Mutex(State(now: ContinuousClock.now))
    }

    var now: Instant {
        state.withLock { state in
            state.now = state.now.advanced(by: step)
            return state.now
        }
    }

    var minimumResolution: Duration { .nanoseconds(1) }

    /// The pauses asked for, in order.
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        state.withLock { $0.sleeps.append($0.now.duration(to: deadline)) }
        try Task.checkCancellation()
    }
}

/// Passes requests to the real exporter, but loses the reply to the first one: the exporter has counted that
/// beat, and the client sees a dropped connection.
final class FirstReplyLostTransport: HeartbeatTransport {
    private let real = URLSessionTransport()
    /// Protects the bodies sent so far.
    private let sent = Mutex<[Data]>([])

    /// The request bodies passed to the exporter, in order.
    var bodies: [Data] { sent.withLock { $0 } }

    func post(_ url: URL, body: Data, token: String?, timeout: Duration) async throws -> HTTPReply {
        let reply = try await real.post(url, body: body, token: token, timeout: timeout)
        let isFirst = sent.withLock { sent in
            sent.append(body)
            return sent.count == 1
        }
        if isFirst { throw URLError(.networkConnectionLost) }
        return reply
    }
}

/// Polls `condition` every 50 ms until it holds; throws after `timeout`. The timeout is generous because the
/// test process shares its few threads with every other test running at the same time; for the same reason the
/// condition is asked once more after the deadline, since a sleep may end long after it asked to.
func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    if try await condition() { return }
    throw TestFailure("\(what): not met within \(timeout)")
}
