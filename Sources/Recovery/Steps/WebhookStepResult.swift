import Alerting
import Model

/// What one POST of a webhook step got.
public enum WebhookAttempt: Sendable, Equatable {
    /// An HTTP answer with this status.
    case status(Int)
    /// No answer: the connection failed (the transport's message, URL redacted).
    case networkError(String)
    /// No answer within the time left of the step's timeout.
    case timedOut

    /// Whether the receivers' rules retry after it (Alerting's classification: 5xx and network errors are
    /// retried, 2xx and other answers are not); a timed-out attempt used up the step's time.
    var isRetried: Bool {
        switch self {
        case .status(let code):
            if case .retryable = HTTPTransportResponse(status: code).notifyResult() { return true }
            return false
        case .networkError: return true
        case .timedOut: return false
        }
    }

    var text: String {
        switch self {
        case .status(let code): "\(code)"
        case .networkError(let message): message
        case .timedOut: "timed out"
        }
    }
}

/// How a webhook step ended: every attempt in order.
public struct WebhookStepResult: StepResult, Equatable {
    /// The attempts, first to last.
    public var attempts: [WebhookAttempt]
    /// The step's timeout, which bounded them all.
    public var timeout: PrometheusDuration
    /// From the first attempt to the last answer (or the timeout).
    public var duration: PrometheusDuration

    /// A result as given.
    public init(attempts: [WebhookAttempt], timeout: PrometheusDuration, duration: PrometheusDuration) {
        self.attempts = attempts
        self.timeout = timeout
        self.duration = duration
    }

    /// `success` when the last attempt got a 2xx, `timeout` when it got no answer in time, `failure` otherwise.
    public var outcome: StepOutcome {
        switch attempts.last {
        case .status(let code) where code / 100 == 2: .success
        case .timedOut: .timeout
        default: .failure
        }
    }

    /// A short line for the alert's `recovery` annotation and the history: the attempts in order, repeats
    /// counted: `200`, `200 after 503 twice`, `503 3 times`, `400`, `could not connect to the server`,
    /// `503, then timed out after 10 s`.
    public var summary: String {
        var runs: [(attempt: WebhookAttempt, count: Int)] = []
        for attempt in attempts {
            if let last = runs.last, last.attempt == attempt {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((attempt, 1))
            }
        }
        let texts = runs.map { run -> String in
            if run.attempt == .timedOut { return "timed out after \(spokenSeconds(timeout))" }
            return run.attempt.text + Self.repetition(run.count)
        }
        guard outcome == .success, let answer = texts.last else { return texts.joined(separator: ", then ") }
        let before = texts.dropLast()
        return before.isEmpty ? answer : "\(answer) after " + before.joined(separator: ", then ")
    }

    private static func repetition(_ count: Int) -> String {
        switch count {
        case 1: ""
        case 2: " twice"
        default: " \(count) times"
        }
    }
}
