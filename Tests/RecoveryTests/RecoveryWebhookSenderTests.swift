import Alerting
import Foundation
import JSON
import Model
import Synchronization
import Testing
import TestSupport

@testable import Recovery

#if canImport(Glibc)
    import Glibc
#endif

/// Webhook steps against a real listener, and with an injected transport and clock.
struct RecoveryWebhookSenderTests {
    static let body = RecoveryWebhookBody(
        agent: "order-7", labels: agentLabels("order-7", ["host": "h1", "team": "payments"]), ladder: "workers",
        step: "replace", reason: "unreachable", startedAt: Timestamp(seconds: 1_767_225_600),
        tried: ["restart: exit 1 after 0.4 s"])

    /// A sender over the real transport whose retries do not wait, on a clock that stands still: attempts are
    /// counted the same on a loaded machine (the real clock is for the timeout test).
    static let realSender = RecoveryWebhookSender(
        transport: URLSessionTransport(), clock: ManualClock(), retryDelay: { _ in })

    @Test func aListenerAnswering503Then200IsRetriedAndTheSummarySaysSo() async throws {
        let listener = try LocalHTTPServer(statuses: [503, 200])
        defer { listener.stop() }
        let result = await Self.realSender.send(Self.body, to: listener.url, timeout: .seconds(10))
        #expect(result.attempts == [.status(503), .status(200)])
        #expect(result.outcome == .success)
        #expect(result.summary == "200 after 503")
        #expect(listener.requests.count == 2)
    }

    @Test func a400IsNotRetried() async throws {
        let listener = try LocalHTTPServer(statuses: [400, 200])
        defer { listener.stop() }
        let result = await Self.realSender.send(Self.body, to: listener.url, timeout: .seconds(10))
        #expect(result.attempts == [.status(400)])
        #expect(result.outcome == .failure)
        #expect(result.summary == "400")
        #expect(listener.requests.count == 1)
    }

    /// The listener accepts connections (the kernel's backlog) but never answers.
    @Test func aListenerThatNeverAnswersTimesOut() async throws {
        let (socket, port) = try #require(Self.silentListener())
        defer { close(socket) }
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/replace"))
        let transport = TimeoutRecordingTransport()
        let sender = RecoveryWebhookSender(transport: transport, clock: SystemClock(), retryDelay: { _ in })
        let result = await sender.send(Self.body, to: url, timeout: .seconds(1))
        #expect(result.attempts == [.timedOut])
        #expect(result.outcome == .timeout)
        #expect(result.summary == "timed out after 1 s")
        #expect(result.duration >= .milliseconds(900))
        // Bounded by the step's timeout, not by a transport default (a minute): what the transport was given. (A
        // duration measured here would also count the time a loaded test process takes to resume the task.)
        #expect(transport.timeouts.count == 1)
        #expect(transport.timeouts.allSatisfy { $0 <= .seconds(1) })
    }

    /// Nothing listens: a network error, retried until the timeout leaves no room (manual clock).
    @Test func aRefusedConnectionIsRetriedWithinTheTimeout() async throws {
        let (socket, port) = try #require(Self.silentListener())
        close(socket)
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/replace"))
        let clock = ManualClock()
        let sender = RecoveryWebhookSender(
            transport: URLSessionTransport(), clock: clock, retryDelay: { clock.advance(by: $0) })
        let result = await sender.send(Self.body, to: url, timeout: .seconds(1))
        #expect(result.attempts.count == 2)
        #expect(result.outcome == .failure)
        guard case .networkError(let message) = result.attempts.first else {
            Issue.record("expected a network error, got \(result.attempts)")
            return
        }
        #expect(result.summary == "\(message) twice")
        #expect(!message.contains("127.0.0.1"))
    }

    /// The receivers' backoff on the manual clock: attempts at 0, 0.5 s and 1.25 s; the next (2.375 s) would pass
    /// the 2 s timeout.
    @Test func retriesFollowTheReceiversBackoffWithinTheTimeout() async {
        let clock = ManualClock()
        let start = clock.now()
        let transport = FakeTransport([.status(503)])
        let times = Recorded<PrometheusDuration>()
        let sender = RecoveryWebhookSender(
            transport: transport, clock: clock,
            retryDelay: {
                clock.advance(by: $0)
                times.append(clock.now() - start)
            })
        let url = URL(fileURLWithPath: "/")
        let result = await sender.send(Self.body, to: url, timeout: .seconds(2))
        #expect(result.summary == "503 3 times")
        #expect(result.outcome == .failure)
        #expect(times.values == [.milliseconds(500), .milliseconds(1250)])
        #expect(transport.requests.count == 3)
    }

    @Test func aNetworkErrorThenSuccessIsRetried() async {
        let clock = ManualClock()
        let transport = FakeTransport([.networkError("POST failed: Could not connect to the server."), .status(200)])
        let sender = RecoveryWebhookSender(transport: transport, clock: clock, retryDelay: { clock.advance(by: $0) })
        let result = await sender.send(Self.body, to: URL(fileURLWithPath: "/"), timeout: .seconds(10))
        #expect(result.summary == "200 after could not connect to the server")
        #expect(result.outcome == .success)
    }

    @Test func theBodyNamesTheAgentItsLabelsTheLadderTheStepAndTheReason() async throws {
        let listener = try LocalHTTPServer(statuses: [200])
        defer { listener.stop() }
        _ = await Self.realSender.send(Self.body, to: listener.url, timeout: .seconds(10))
        let request = try #require(listener.requests.first)
        #expect(request.requestLine == "POST /hook HTTP/1.1")
        #expect(request.headers["content-type"] == "application/json")
        let expected =
            #"{"version":"1","agent":"order-7","labels":{"agent":"order-7","agent_type":"worker","host":"h1","#
            + #""team":"payments"},"ladder":"workers","step":"replace","reason":"unreachable","#
            + #""startedAt":"2026-01-01T00:00:00Z","tried":["restart: exit 1 after 0.4 s"]}"# + "\n"
        #expect(String(decoding: request.body, as: UTF8.self) == expected)
        let parsed = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(parsed?["agent"] as? String == "order-7")
        #expect((parsed?["labels"] as? [String: String])?["team"] == "payments")
    }

    /// A socket bound to an ephemeral port of 127.0.0.1, listening, that never accepts.
    static func silentListener() -> (Int32, UInt16)? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound, listen(descriptor, 8) == 0 else {
            close(descriptor)
            return nil
        }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }
}

/// The real transport, recording the timeout each POST was given.
final class TimeoutRecordingTransport: HTTPTransport {
    private let real = URLSessionTransport()
    private let given = Mutex<[PrometheusDuration]>([])

    var timeouts: [PrometheusDuration] { given.withLock { $0 } }

    func post(_ url: URL, body: [UInt8], headers: [String: String], timeout: PrometheusDuration) async throws
        -> HTTPTransportResponse
    {
        given.withLock { $0.append(timeout) }
        return try await real.post(url, body: body, headers: headers, timeout: timeout)
    }
}
