/// The demo fleet: who does what, and which shipped alert it should raise.
///
/// Timings are meant for the time-compressed rules in `examples/demo/rules/` (a minute of the shipped rules
/// is a second there), so every alert fires within the first ~80 seconds.
struct DemoRole: Sendable {
    /// The agent's name without the demo's prefix.
    let name: String
    /// What the agent does, for the plan printed at the start.
    let behaviour: String
    /// What the operator should see.
    let expect: String
    let run: @Sendable (DemoContext, String) async -> Void
}

/// When the scripted misbehaviours happen, from the start of the demo.
enum DemoTimings {
    static let stuckAfter = Duration.seconds(10)
    static let crashAfter = Duration.seconds(20)
    /// The rogue starts failing every task and the operator kills it (before its error-rate alert can fire).
    static let rogueAfter = Duration.seconds(10)
    /// The error burst: from `errorBurstStart` to `errorBurstEnd` within every `errorCycle`.
    static let errorBurstStart = Duration.seconds(15)
    static let errorBurstEnd = Duration.seconds(45)
    static let errorCycle = Duration.seconds(90)
    /// The cost loop: `calmSpend` at the usual rate, then `spikeSpend` at `spikeFactor` times it, repeated.
    /// The cost rule needs an hour (compressed: a minute) of history before it judges an agent.
    static let calmSpend = Duration.seconds(70)
    static let spikeSpend = Duration.seconds(15)
    static let spikeFactor = 30.0
    static let usualCostPerBeat = 0.002
}

extension DemoRole {
    /// Every agent of the demo fleet, in the order of the plan.
    static let fleet: [DemoRole] = [
        DemoRole(
            name: "worker-1", behaviour: "healthy: beats every 1s, 2 tasks per beat", expect: "no alert",
            run: { context, name in await DemoAgents.worker(context, name, seed: 1) }),
        DemoRole(
            name: "worker-2", behaviour: "healthy", expect: "no alert",
            run: { context, name in await DemoAgents.worker(context, name, seed: 2) }),
        DemoRole(
            name: "worker-3", behaviour: "healthy", expect: "no alert",
            run: { context, name in await DemoAgents.worker(context, name, seed: 3) }),
        DemoRole(
            name: "crasher", behaviour: "beats every 3s, dies at 20s; its recovery ladder restarts it",
            expect: "no alert: recovered by restart", run: DemoAgents.crasher),
        DemoRole(
            name: "vanisher", behaviour: "beats every 3s, dies at 20s without deregistering (no ladder)",
            expect: "AgentDegraded, then AgentUnreachable", run: DemoAgents.vanisher),
        DemoRole(
            name: "spender", behaviour: "from 70s, loops: 15s at 30x its usual spend, 70s calm",
            expect: "AgentCostSpike", run: DemoMisbehaviours.spender),
        DemoRole(
            name: "flaky", behaviour: "error burst from 15s to 45s: 2 of 3 tasks fail",
            expect: "AgentErrorRateHigh", run: DemoMisbehaviours.flaky),
        DemoRole(
            name: "stuck", behaviour: "from 10s beats with work queued but finishes nothing",
            expect: "AgentStuck", run: DemoMisbehaviours.stuck),
        DemoRole(
            name: "slowpoke", behaviour: "reports tasks of 90-150s (the demo does not wait)",
            expect: "AgentTaskLatencyHigh", run: DemoMisbehaviours.slowpoke),
        DemoRole(
            name: "restarter", behaviour: "crash loop: a new run_id every 2.5s",
            expect: "AgentRestartLoop", run: DemoAgents.restarter),
        DemoRole(
            name: "rogue", behaviour: "from 10s fails every task; killed then, it ignores the stop and beats on",
            expect: "AgentErrorRateHigh and AgentFailureStreak suppressed (killed): never notified",
            run: DemoAgents.rogue),
        DemoRole(
            name: "mislabelled", behaviour: "sends nine labels, one too many: every beat is refused",
            expect: "HeartbeatsRejected (its beats in /api/v1/rejections)", run: DemoMisbehaviours.mislabelled),
        DemoRole(
            name: "report-job", behaviour: "a scheduled job: a run every 8s, started and finished (exit code 0)",
            expect: "no alert (fills the jobs table)", run: DemoJob.healthy),
        DemoRole(
            name: "backup-job", behaviour: "one run that fails with exit code 3", expect: "JobFailed",
            run: DemoJob.failing),
        DemoRole(
            name: "hung-job", behaviour: "starts a run allowed 5s that never finishes", expect: "JobRunningTooLong",
            run: DemoJob.hung),
        DemoRole(
            name: "late-job", behaviour: "runs once; its next run, the coming minute, never starts",
            expect: "JobLate within about a minute", run: DemoJob.late),
    ]
}
