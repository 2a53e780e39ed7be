/// How often and how patiently one request is retried while the exporter cannot be reached.
public struct RetryPolicy: Sendable, Equatable {
    /// Extra attempts after the first one.
    public var retries: Int
    /// The pause before the first retry; it doubles for each further retry, up to ``maxBackoff``.
    public var backoff: Duration
    /// The longest pause between two attempts.
    public var maxBackoff: Duration
    /// How long one attempt may take.
    public var timeout: Duration

    /// 3 attempts, 0.25 s then 0.5 s apart, 5 s each at most.
    public init(
        retries: Int = 2, backoff: Duration = .milliseconds(250), maxBackoff: Duration = .seconds(5),
        timeout: Duration = .seconds(5)
    ) {
        self.retries = max(0, retries)
        self.backoff = backoff
        self.maxBackoff = maxBackoff
        self.timeout = timeout
    }

    /// The pause before retry number `retry` (1 for the first).
    func pause(beforeRetry retry: Int) -> Duration {
        var pause = backoff
        for _ in 1..<max(retry, 1) where pause < maxBackoff { pause *= 2 }
        return min(pause, maxBackoff)
    }
}
