import Exposition
import Synchronization

/// `heartbeat_exporter_recovery_runs_total{ladder,result}` and
/// `heartbeat_exporter_recovery_steps_total{ladder,step,result}`: how ladder runs and their steps ended.
///
/// The series of every configured ladder and step exist at zero from the start (``register(_:)``), so that a
/// rate over failures is defined before the first one.
public final class RecoveryMetrics: MetricsSource {
    private struct Counts {
        var runs: [[String]: UInt64] = [:]
        var steps: [[String]: UInt64] = [:]
    }

    /// The results a run is counted under.
    static let runResults = ["recovered", "exhausted", "refused", "cancelled"]

    private let counts = Mutex(Counts())

    /// Counters at zero.
    public init() {}

    /// Makes the series of `ladders` exist.
    func register(_ ladders: [RecoveryLadder]) {
        counts.withLock { counts in
            for ladder in ladders {
                for result in Self.runResults { counts.runs[[ladder.name, result], default: 0] += 0 }
                for step in ladder.steps {
                    for result in StepOutcome.allCases {
                        counts.steps[[ladder.name, step.name, result.rawValue], default: 0] += 0
                    }
                }
            }
        }
    }

    /// Counts a run of `ladder` that ended as `outcome`.
    func countRun(ladder: String, outcome: RecoveryRun.Outcome) {
        counts.withLock { $0.runs[[ladder, outcome.result], default: 0] += 1 }
    }

    /// Counts a step of `ladder` that ended as `outcome`.
    func countStep(ladder: String, step: String, outcome: StepOutcome) {
        counts.withLock { $0.steps[[ladder, step, outcome.rawValue], default: 0] += 1 }
    }

    /// The count of runs of `ladder` that ended with `result` (for tests and the status page).
    public func runs(ladder: String, result: String) -> UInt64 {
        counts.withLock { $0.runs[[ladder, result]] ?? 0 }
    }

    /// The count of steps of `ladder` named `step` that ended with `result`.
    public func steps(ladder: String, step: String, result: StepOutcome) -> UInt64 {
        counts.withLock { $0.steps[[ladder, step, result.rawValue]] ?? 0 }
    }

    public func write(into writer: inout ExpositionWriter) {
        let counts = counts.withLock { $0 }
        let runs = "heartbeat_exporter_recovery_runs_total"
        writer.family(
            runs, type: .counter,
            help: "Recovery ladder runs ended, by ladder and result (recovered, exhausted, refused, cancelled).")
        for key in counts.runs.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            writer.sample(
                runs, RenderedLabels([("ladder", key[0]), ("result", key[1])]), value: Double(counts.runs[key] ?? 0))
        }
        let steps = "heartbeat_exporter_recovery_steps_total"
        writer.family(
            steps, type: .counter,
            help: "Recovery ladder steps carried out, by ladder, step and result (success, failure, timeout).")
        for key in counts.steps.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            writer.sample(
                steps, RenderedLabels([("ladder", key[0]), ("step", key[1]), ("result", key[2])]),
                value: Double(counts.steps[key] ?? 0))
        }
    }
}
