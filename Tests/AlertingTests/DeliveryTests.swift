import Alerting
import Foundation
import Model
import PromQL
import Synchronization
import Testing
import TestSupport

/// Runs deliveries through a queue and collects every attempt and the final outcome.
struct DeliveryRun {
    let attempts: [String]
    /// ``Delivery/attemptNumber`` as each attempt was reported.
    let attemptNumbers: [Int]
    let succeeded: Bool

    static func run(
        _ delivery: Delivery, clock: any WallClock,
        sleep: @escaping @Sendable (PrometheusDuration) async -> Void
    )
        async -> DeliveryRun
    {
        let attempts = Mutex<[String]>([])
        let numbers = Mutex<[Int]>([])
        let (stream, continuation) = AsyncStream.makeStream(of: Bool.self)
        let queue = DeliveryQueue(
            clock: clock,
            callbacks: .init(
                attempted: { delivery, result in
                    attempts.withLock { $0.append(result.label) }
                    numbers.withLock { $0.append(delivery.attemptNumber) }
                },
                finished: { _, succeeded in continuation.yield(succeeded) }), sleep: sleep)
        queue.enqueue(delivery)
        var iterator = stream.makeAsyncIterator()
        let succeeded = await iterator.next() ?? false
        return DeliveryRun(
            attempts: attempts.withLock { $0 }, attemptNumbers: numbers.withLock { $0 }, succeeded: succeeded)
    }
}

struct DeliveryTests {
    static func notification(deadline: Timestamp) throws -> AlertNotification {
        let yaml = "route: {receiver: hook}\nreceivers: [{name: hook, webhook_configs: [{url: 'http://h/'}]}]"
        let config = try #require(try alertingConfig(yaml))
        var dispatcher = Dispatcher(route: Route(config.route), receivers: config.receivers)
        dispatcher.insert(
            [Alert(labels: labels("alertname=Down,agent=a"), startsAt: .epoch, updatedAt: .epoch)],
            at: Timestamp(seconds: 1000))
        var notification = try #require(dispatcher.tick(at: Timestamp(seconds: 1000)).first)
        notification.deadline = deadline
        return notification
    }

    static func webhook(_ url: String, token: String? = "tok") -> WebhookConfig {
        WebhookConfig(
            url: URL(string: url) ?? URL(fileURLWithPath: "/"),
            authorization: token.map { HTTPAuthorization(credentials: $0) })
    }

    @Test(arguments: [
        (
            [FakeTransport.Outcome.status(500), .status(503), .status(200)],
            ["retryable_error", "retryable_error", "success"], true, 1.25
        ),
        ([.status(400)], ["permanent_error"], false, 0),
        ([.status(302)], ["permanent_error"], false, 0),
        ([.networkError("connection refused"), .status(204)], ["retryable_error", "success"], true, 0.5),
    ])
    func retriesRetryableFailuresWithBackoff(
        outcomes: [FakeTransport.Outcome], attempts: [String], succeeded: Bool,
        waited: Double
    ) async throws {
        let clock = ManualClock()
        let start = clock.now()
        let transport = FakeTransport(outcomes)
        let notifier = WebhookNotifier(config: Self.webhook("http://h/"), externalURL: "", transport: transport)
        let delivery = Delivery(try Self.notification(deadline: start + .seconds(300)), notifier: notifier)
        let run = await DeliveryRun.run(delivery, clock: clock, sleep: { clock.advance(by: $0) })
        #expect(run.attempts == attempts)
        #expect(run.attemptNumbers == Array(1...attempts.count), "each attempt reported with its number")
        #expect(run.succeeded == succeeded)
        #expect(clock.now() - start == .seconds(waited))
        #expect(transport.requests.first?.headers["Authorization"] == "Bearer tok")
    }

    @Test func givesUpAtTheDeadline() async throws {
        let clock = ManualClock()
        let transport = FakeTransport([.status(500)])
        let notifier = WebhookNotifier(config: Self.webhook("http://h/"), externalURL: "", transport: transport)
        let delivery = Delivery(try Self.notification(deadline: clock.now() + .seconds(5)), notifier: notifier)
        let run = await DeliveryRun.run(delivery, clock: clock, sleep: { clock.advance(by: $0) })
        // Attempts at 0, 0.5, 1.25, 2.375, 4.0625; the next would be at 6.59, after the deadline.
        #expect(run.attempts == Array(repeating: "retryable_error", count: 5))
        #expect(!run.succeeded)
    }

    @Test func errorsDoNotShowTheURL() async throws {
        let secretURL = "http://hooks.example.com/secret-token"
        let transport = FakeTransport([.networkError("could not reach \(secretURL)")])
        let notifier = WebhookNotifier(config: Self.webhook(secretURL), externalURL: "", transport: transport)
        let result = await notifier.notify(try Self.notification(deadline: .epoch), timeout: .seconds(1))
        guard case .retryable(let error) = result else {
            Issue.record("expected a retryable error, got \(result.label)")
            return
        }
        #expect(!"\(error)".contains("secret-token"))
        #expect(!"\(error)".contains("hooks.example.com"))
    }

    /// A real POST over a socket: the listener answers 500 then 200, then 400 for a second delivery. The deadline
    /// is an hour away: the test process runs many suites at once, and a delivery task has been seen to wait over
    /// two minutes for a thread on a loaded machine; the retries, not the deadline, are under test.
    @Test func realListenerReceivesV4PayloadAndRetriesOnly5xx() async throws {
        let server = try LocalHTTPServer(statuses: [500, 200, 400])
        defer { server.stop() }
        let notifier = WebhookNotifier(
            config: Self.webhook(server.url.absoluteString), externalURL: "http://hx:9747",
            transport: URLSessionTransport())
        let clock = SystemClock()
        let first = await DeliveryRun.run(
            Delivery(
                try Self.notification(deadline: clock.now() + .hours(1)),
                notifier: notifier),
            clock: clock, sleep: { _ in })
        #expect(first.attempts == ["retryable_error", "success"])
        #expect(first.succeeded)
        let second = await DeliveryRun.run(
            Delivery(
                try Self.notification(deadline: clock.now() + .hours(1)),
                notifier: notifier),
            clock: clock, sleep: { _ in })
        #expect(second.attempts == ["permanent_error"])
        #expect(!second.succeeded)

        let requests = server.requests
        #expect(requests.count == 3)
        let request = try #require(requests.first)
        #expect(request.requestLine == "POST /hook HTTP/1.1")
        #expect(request.headers["authorization"] == "Bearer tok")
        #expect(request.headers["content-type"] == "application/json")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["version"] as? String == "4")
        #expect(body["status"] as? String == "firing")
        #expect(body["externalURL"] as? String == "http://hx:9747")
        let alerts = try #require(body["alerts"] as? [[String: Any]])
        #expect(alerts.first?["fingerprint"] as? String == labels("alertname=Down,agent=a").fingerprint.description)
        #expect(alerts.first?["endsAt"] as? String == "0001-01-01T00:00:00Z")
    }
}
