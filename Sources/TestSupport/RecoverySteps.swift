import Model
import Recovery
import Synchronization

/// Records what the ladder runner asks of the alert pipeline, in order: `hold w1`, `drop w1`,
/// `release w1: restart: exit 1 after 0.4 s`.
public final class HoldRecorder: AlertHolding {
    private let calls = Mutex<[String]>([])

    /// Creates a recorder with no calls.
    public init() {}

    /// The calls so far, in order.
    public var events: [String] { calls.withLock { $0 } }

    public func hold(agent: String) { calls.withLock { $0.append("hold \(agent)") } }
    public func dropHold(agent: String) { calls.withLock { $0.append("drop \(agent)") } }
    public func release(agent: String, annotation: String) {
        calls.withLock { $0.append("release \(agent): \(annotation)") }
    }
    public func noteReleased(agent: String, annotation: String) {
        calls.withLock { $0.append("note \(agent): \(annotation)") }
    }
}

/// Carries out steps by answering with the report given for the step's name (success by default), recording each
/// step and its expanded command or URL; `duration` is how long the manual clock moves while a step runs.
public final class ScriptedSteps: RecoveryStepExecutor {
    private struct Script {
        var reports: [String: StepReport] = [:]
        public var carriedOut: [String] = []
        public var bodies: [RecoveryWebhookBody] = []
    }

    private let script = Mutex(Script())
    private let held = Mutex<[CheckedContinuation<Void, Never>]?>(nil)
    /// The clock a step moves on while it runs.
    public let clock: ManualClock
    /// How long each step takes on ``clock``.
    public let duration: PrometheusDuration

    /// Steps that take `duration` on `clock` and succeed unless told otherwise.
    public init(clock: ManualClock, duration: PrometheusDuration = .seconds(1)) {
        self.clock = clock
        self.duration = duration
    }

    /// From now on, steps do not finish until ``finishHeldSteps()``: a step caught running.
    public func holdSteps() { held.withLock { $0 = $0 ?? [] } }

    /// Lets the held steps finish.
    public func finishHeldSteps() {
        let waiting = held.withLock { held -> [CheckedContinuation<Void, Never>] in
            defer { held = nil }
            return held ?? []
        }
        for continuation in waiting { continuation.resume() }
    }

    /// The steps carried out so far, as `name argv…` or `name url`.
    public var carriedOut: [String] { script.withLock { $0.carriedOut } }
    /// The bodies of the webhook steps carried out.
    public var bodies: [RecoveryWebhookBody] { script.withLock { $0.bodies } }

    /// Step `step` reports `report` from now on.
    public func answer(_ step: String, _ report: StepReport) { script.withLock { $0.reports[step] = report } }

    public func carryOut(_ step: RecoveryPlan.Step, body: RecoveryWebhookBody) async -> StepReport {
        await withCheckedContinuation { continuation in
            let holding = held.withLock { held -> Bool in
                guard held != nil else { return false }
                held?.append(continuation)
                return true
            }
            if !holding { continuation.resume() }
        }
        clock.advance(by: duration)
        return script.withLock { script in
            switch step.action {
            case .command(let arguments, _): script.carriedOut.append(([step.name] + arguments).joined(separator: " "))
            case .webhook(let url):
                script.carriedOut.append("\(step.name) \(url)")
                script.bodies.append(body)
            }
            return script.reports[step.name] ?? StepReport(outcome: .success, summary: "exit 0 after 1.0 s")
        }
    }
}
