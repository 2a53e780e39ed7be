import CancellableRequests
import Foundation
import HeartbeatClient
import Testing
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `URLSession.cancellableData(for:)`, which the client's and the exporter's transports use: a cancelled request
/// ends at once, and cancelling while replies arrive never hangs (FoundationNetworking's own `data(for:)` can
/// deadlock there, swift-corelibs-foundation #5412, as a test process of this project once did).
struct CancellableDataTests {
    @Test(.timeLimit(.minutes(1)))
    func aCancelledRequestEndsAtOnceWithoutWaitingForTheReply() async throws {
        let server = try LocalHTTPServer { _ in
            usleep(30_000_000)
            return (200, Array("late".utf8))
        }
        defer { server.stop() }
        let request = URLRequest(url: server.url, timeoutInterval: 30)
        let call = Task { try await URLSession.shared.cancellableData(for: request) }
        try await Task.sleep(for: .milliseconds(300))
        let cancelledAt = ContinuousClock.now
        call.cancel()
        let result = await call.result
        #expect(ContinuousClock.now - cancelledAt < .seconds(15), "it waited for the reply, 30 s away")
        guard case .failure(let error) = result else {
            Issue.record("the cancelled request returned a reply")
            return
        }
        #expect((error as? URLError)?.code == .cancelled, "\(error)")
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingWhileRepliesArriveNeverHangs() async throws {
        let server = try LocalHTTPServer { _ in (200, Array("ok".utf8)) }
        defer { server.stop() }
        let request = URLRequest(url: server.url, timeoutInterval: 10)
        for round in 0..<200 {
            let call = Task { try await URLSession.shared.cancellableData(for: request) }
            try await Task.sleep(for: .microseconds(50 * (round % 40)))
            call.cancel()
            _ = await call.result
        }
    }
}
