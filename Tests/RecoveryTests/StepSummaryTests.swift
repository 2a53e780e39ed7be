import Model
import Synchronization
import Testing

@testable import Recovery

/// The short lines a step leaves in the alert's `recovery` annotation and the history.
struct StepSummaryTests {
    @Test(arguments: [
        (CommandEnding.exited(code: 0), PrometheusDuration.milliseconds(1234), "exit 0 after 1.2 s"),
        (.exited(code: 1), .milliseconds(400), "exit 1 after 0.4 s"),
        (.exited(code: 1), .milliseconds(12_600), "exit 1 after 13 s"),
        (.signaled(9), .seconds(3), "killed by SIGKILL after 3 s"),
        (.signaled(42), .milliseconds(20), "killed by signal 42 after 0.0 s"),
        (.timedOut(after: .seconds(30)), .milliseconds(30_012), "timed out after 30 s"),
        (.cannotStart("No such file or directory"), .zero, "cannot start: No such file or directory"),
    ])
    func commandSummaries(ending: CommandEnding, duration: PrometheusDuration, summary: String) {
        #expect(CommandResult(ending: ending, duration: duration).summary == summary)
    }

    @Test(arguments: [
        ([WebhookAttempt.status(200)], "200", StepOutcome.success),
        ([.status(503), .status(503)], "503 twice", .failure),
        ([.status(503), .status(503), .status(503), .status(204)], "204 after 503 3 times", .success),
        (
            [.status(503), .networkError("could not connect to the server")],
            "503, then could not connect to the server", .failure
        ),
        ([.status(502), .timedOut], "502, then timed out after 10 s", .timeout),
        ([.timedOut], "timed out after 10 s", .timeout),
        ([.status(404)], "404", .failure),
    ])
    func webhookSummaries(attempts: [WebhookAttempt], summary: String, outcome: StepOutcome) {
        let result = WebhookStepResult(attempts: attempts, timeout: .seconds(10), duration: .seconds(1))
        #expect(result.summary == summary)
        #expect(result.outcome == outcome)
    }

    @Test(arguments: [
        ("POST failed: Could not connect to the server.", "could not connect to the server"),
        ("POST failed: The request timed out.", "the request timed out"),
        ("POST failed: SSL error", "SSL error"),
        (
            "POST failed: failed to connect to <redacted> port 80 after 3 ms: Couldn't connect to server",
            "failed to connect to <redacted> port 80: Couldn't connect to server"
        ),
    ])
    func transportMessagesAreSpokenPlainly(message: String, spoken: String) {
        #expect(RecoveryWebhookSender.spoken(message) == spoken)
    }
}

/// Values appended from any thread, read by the test.
final class Recorded<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])

    func append(_ value: Value) { storage.withLock { $0.append(value) } }

    var values: [Value] { storage.withLock { $0 } }
}
