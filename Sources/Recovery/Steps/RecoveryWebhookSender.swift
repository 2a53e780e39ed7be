import Alerting
import Foundation
import Model

/// Carries out a webhook step: POSTs a ``RecoveryWebhookBody`` as `application/json` through the receivers'
/// ``HTTPTransport``, with the receivers' retry rules (5xx and network errors retried after 0.5 s, ×1.5, at most
/// a minute; 2xx and 4xx final), all within the step's timeout.
///
/// Each attempt may take the time left; an attempt still unanswered when the timeout expires ends the step as
/// timed out, and no retry starts that the timeout would cut short. Asynchronous: it suspends the calling task,
/// never a thread, and shares no state between calls.
public struct RecoveryWebhookSender: Sendable {
    private let transport: any HTTPTransport
    private let clock: any WallClock
    private let retryDelay: @Sendable (PrometheusDuration) async -> Void

    /// A sender.
    /// - Parameters:
    ///   - transport: the outgoing HTTP client: the one the receivers use (`ExporterParts.transport`); tests
    ///     inject a fake.
    ///   - clock: the time the step's timeout is measured on.
    ///   - retryDelay: waits between retries (tests pass one that advances a manual clock).
    public init(
        transport: any HTTPTransport = URLSessionTransport(), clock: any WallClock = SystemClock(),
        retryDelay: @escaping @Sendable (PrometheusDuration) async -> Void = DeliveryQueue.realSleep
    ) {
        self.transport = transport
        self.clock = clock
        self.retryDelay = retryDelay
    }

    /// POSTs `body` to `url` until an attempt is final or `timeout` is spent.
    public func send(_ body: RecoveryWebhookBody, to url: URL, timeout: PrometheusDuration) async
        -> WebhookStepResult
    {
        let start = clock.now()
        let deadline = start + timeout
        let bytes = body.encoded()
        var backoff = RetryBackoff()
        var attempts: [WebhookAttempt] = []
        while true {
            let remaining = deadline - clock.now()
            guard remaining > .zero else {
                attempts.append(.timedOut)
                break
            }
            let attempt = await post(bytes, to: url, within: remaining, deadline: deadline)
            attempts.append(attempt)
            guard attempt.isRetried else { break }
            let delay = backoff.next()
            guard clock.now() + delay < deadline else { break }
            await retryDelay(delay)
        }
        return WebhookStepResult(attempts: attempts, timeout: timeout, duration: clock.now() - start)
    }

    /// One POST, raced against a timer of `span` (should the transport overstay its own timeout).
    private func post(_ bytes: [UInt8], to url: URL, within span: PrometheusDuration, deadline: Timestamp) async
        -> WebhookAttempt
    {
        let transport = transport
        let clock = clock
        let headers = ["Content-Type": "application/json", "User-Agent": "heartbeat-exporter"]
        return await withTaskGroup(of: WebhookAttempt?.self) { group in
            group.addTask {
                do {
                    return .status(try await transport.post(url, body: bytes, headers: headers, timeout: span).status)
                } catch {
                    // The transport's own timeout fires at the deadline: its error is this step's timeout.
                    if clock.now() >= deadline - .milliseconds(100) { return .timedOut }
                    return .networkError(Self.spoken(NotifyError("\(error)", redacting: url).message))
                }
            }
            group.addTask {
                try? await Task.sleep(for: span.swiftDuration)
                return Task.isCancelled ? nil : .timedOut
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .timedOut
        }
    }

    /// `POST failed: Could not connect to the server.` → `could not connect to the server`; libcurl's timing
    /// (`failed to connect to <redacted> port 80 after 3 ms: …`) is dropped, so that repeats read as one.
    static func spoken(_ message: String) -> String {
        var text = message
        if text.hasPrefix("POST failed: ") { text.removeFirst("POST failed: ".count) }
        text = text.replacing(/\ after \d+ ms/, with: "")
        while text.hasSuffix(".") { text.removeLast() }
        guard let first = text.first, text.dropFirst().first?.isUppercase != true else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
