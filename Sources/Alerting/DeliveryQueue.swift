import Model
import Synchronization

/// One piece of work for the ``DeliveryQueue``: a send that may be retried until a deadline.
public struct Delivery: Sendable {
    /// Identifies the delivery to the callbacks (a ``AlertNotification``'s `id`, or any number for forwarding).
    public var id: UInt64
    /// The receiver, for metrics.
    public var receiver: String
    /// The integration kind (`webhook`, `alertmanager`), for metrics.
    public var integration: String
    /// When to stop retrying (Alertmanager: the group's next flush).
    public var deadline: Timestamp
    /// One attempt, given the time it may take.
    public var attempt: @Sendable (_ timeout: PrometheusDuration) async -> NotifyResult
    /// What it carries, for the history: group key and labels, `firing` or `resolved`, how many alerts.
    public var summary = DeliverySummary()
    /// Which attempt ``DeliveryQueue/Callbacks/attempted`` reports: 1 for the first, 2 for the first retry, ….
    public var attemptNumber = 0

    /// Creates a delivery.
    public init(
        id: UInt64, receiver: String, integration: String, deadline: Timestamp,
        attempt: @escaping @Sendable (_ timeout: PrometheusDuration) async -> NotifyResult
    ) {
        self.id = id
        self.receiver = receiver
        self.integration = integration
        self.deadline = deadline
        self.attempt = attempt
    }

    /// Delivers a dispatcher ``AlertNotification`` with `notifier`.
    public init(_ notification: AlertNotification, notifier: any Notifier) {
        self.init(
            id: notification.id, receiver: notification.receiver, integration: notification.key.integration,
            deadline: notification.deadline
        ) { timeout in
            await notifier.notify(notification, timeout: timeout)
        }
        summary = DeliverySummary(
            groupKey: notification.groupKey, groupLabels: notification.groupLabels,
            status: notification.firing.isEmpty ? "resolved" : "firing", alertCount: notification.alerts.count)
    }
}

/// What a delivery carries, as the alert history records it.
public struct DeliverySummary: Sendable, Equatable {
    /// The aggregation group's key; empty for forwarded alerts.
    public var groupKey = ""
    /// The group's labels; for forwarded alerts, the labels they share.
    public var groupLabels = Labels.empty
    /// `firing` when it carries a firing alert, else `resolved`.
    public var status = "firing"
    /// How many alerts it carries.
    public var alertCount = 0

    /// Creates a summary.
    public init(groupKey: String = "", groupLabels: Labels = .empty, status: String = "firing", alertCount: Int = 0) {
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.status = status
        self.alertCount = alertCount
    }
}

/// Runs deliveries on background tasks so that callers never wait: each is attempted at once and, while
/// attempts are retryable, again after an exponential backoff (0.5s × 1.5ⁿ, at most 60s, as
/// Alertmanager's retry stage) until its deadline. Every attempt is reported to ``Callbacks/attempted``
/// (for `heartbeat_exporter_notifications_total{receiver,result}`) and the end to ``Callbacks/finished``.
public final class DeliveryQueue: Sendable {
    /// What the queue reports.
    public struct Callbacks: Sendable {
        /// After each attempt.
        public var attempted: @Sendable (Delivery, NotifyResult) -> Void
        /// Once per delivery: whether it succeeded.
        public var finished: @Sendable (Delivery, Bool) -> Void

        /// Creates callbacks.
        public init(
            attempted: @escaping @Sendable (Delivery, NotifyResult) -> Void = { _, _ in },
            finished: @escaping @Sendable (Delivery, Bool) -> Void = { _, _ in }
        ) {
            self.attempted = attempted
            self.finished = finished
        }
    }

    private struct State {
        var waiting: [Delivery] = []
        var workers = 0
        /// Callers of ``settled()`` waiting for the queue to run empty.
        var idleWaiters: [CheckedContinuation<Void, Never>] = []

        var isIdle: Bool { waiting.isEmpty && workers == 0 }
    }

    private let clock: any WallClock
    private let sleep: @Sendable (PrometheusDuration) async -> Void
    private let callbacks: Callbacks
    private let maxWorkers: Int
    /// Protects the deliveries not yet started and the number of running workers.
    private let state = Mutex(State())

    /// Creates a queue.
    /// - Parameters:
    ///   - clock: the time deadlines are compared with.
    ///   - maxWorkers: deliveries running at once.
    ///   - sleep: waits between retries (tests pass one that advances a manual clock).
    public init(
        clock: any WallClock, maxWorkers: Int = 8, callbacks: Callbacks,
        sleep: @escaping @Sendable (PrometheusDuration) async -> Void = DeliveryQueue.realSleep
    ) {
        self.clock = clock
        self.maxWorkers = max(1, maxWorkers)
        self.callbacks = callbacks
        self.sleep = sleep
    }

    /// Waits `span` of real time: the queue's default wait between retries.
    public static let realSleep: @Sendable (PrometheusDuration) async -> Void = { span in
        try? await Task.sleep(for: max(.zero, span).swiftDuration)
    }

    /// Queues a delivery and returns at once.
    public func enqueue(_ delivery: Delivery) {
        let startWorker = state.withLock { state -> Bool in
            state.waiting.append(delivery)
            guard state.workers < maxWorkers else { return false }
            state.workers += 1
            return true
        }
        if startWorker { Task.detached { [self] in await work() } }
    }

    /// Deliveries queued or running.
    public var backlog: Int { state.withLock { $0.waiting.count + $0.workers } }

    /// Returns when every delivery queued so far has finished and reported its outcome (at once when none
    /// is queued or running). With a `sleep` that does not wait, tests settle a queue without real time.
    public func settled() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                if state.isIdle { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func work() async {
        while let delivery = next() {
            let succeeded = await run(delivery)
            callbacks.finished(delivery, succeeded)
        }
    }

    private func next() -> Delivery? {
        let (delivery, idleWaiters) = state.withLock { state -> (Delivery?, [CheckedContinuation<Void, Never>]) in
            guard !state.waiting.isEmpty else {
                state.workers -= 1
                guard state.isIdle else { return (nil, []) }
                defer { state.idleWaiters = [] }
                return (nil, state.idleWaiters)
            }
            return (state.waiting.removeFirst(), [])
        }
        for waiter in idleWaiters { waiter.resume() }
        return delivery
    }

    private func run(_ delivery: Delivery) async -> Bool {
        var backoff = RetryBackoff()
        var delivery = delivery
        while true {
            let remaining = delivery.deadline - clock.now()
            guard remaining > .zero else { return false }
            let result = await delivery.attempt(remaining)
            delivery.attemptNumber += 1
            callbacks.attempted(delivery, result)
            switch result {
            case .success: return true
            case .permanent: return false
            case .retryable:
                let delay = backoff.next()
                guard clock.now() + delay < delivery.deadline else { return false }
                await sleep(delay)
            }
        }
    }
}

/// Exponential backoff without jitter: 0.5s, 0.75s, 1.125s, … at most 60s (to the millisecond). The receivers'
/// retry rule, which recovery ladders' webhook steps follow too.
public struct RetryBackoff: Sendable {
    private var interval = PrometheusDuration.milliseconds(500)

    /// Starts at 0.5s.
    public init() {}

    /// The wait before the next retry.
    public mutating func next() -> PrometheusDuration {
        defer { interval = min(.milliseconds(interval.milliseconds * 3 / 2), .minutes(1)) }
        return interval
    }
}
