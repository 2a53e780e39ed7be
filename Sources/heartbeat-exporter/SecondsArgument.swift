import ArgumentParser
import Model

/// A span given on the command line either as a number of seconds (`3600`, `0.5`) or as a Prometheus duration
/// (`1h`, `90m`, `1h30m`), as the flags that take a span accept both: `--grace 1h` and `--grace 3600` say the same.
struct SecondsArgument: ExpressibleByArgument, Sendable, Equatable {
    /// The span in seconds.
    let seconds: Double

    init(seconds: Double) {
        self.seconds = seconds
    }

    init?(argument: String) {
        if let number = Double(argument) {
            guard number.isFinite, number >= 0 else { return nil }
            self.seconds = number
        } else if let duration = try? PrometheusDuration(parsing: argument), duration >= .zero {
            self.seconds = Double(duration.milliseconds) / 1000
        } else {
            return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
