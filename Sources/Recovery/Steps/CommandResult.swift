import Model

/// How a command ended.
public enum CommandEnding: Sendable, Equatable {
    /// The process exited with this status.
    case exited(code: Int32)
    /// The process was ended by this signal, not sent by the runner (a crash, or someone else's `kill`).
    case signaled(Int32)
    /// The process was still running when the timeout expired; its process group was sent SIGTERM, then
    /// SIGKILL after the runner's grace.
    case timedOut(after: PrometheusDuration)
    /// No process was started: the executable was not found or not executable (the errno's message), or the
    /// argument vector could not be passed (empty, or an argument holding a NUL byte).
    case cannotStart(String)
}

/// What running one command produced: how it ended, how long it took and what it wrote.
public struct CommandResult: StepResult, Equatable {
    /// How it ended.
    public var ending: CommandEnding
    /// From the spawn to the reaping of the process (zero when it could not start).
    public var duration: PrometheusDuration
    /// The last bytes of its standard output and standard error.
    public var output: CapturedOutput

    /// A result as given.
    public init(ending: CommandEnding, duration: PrometheusDuration, output: CapturedOutput = CapturedOutput()) {
        self.ending = ending
        self.duration = duration
        self.output = output
    }

    /// `success` for exit 0, `timeout` for a timed-out command, `failure` otherwise.
    public var outcome: StepOutcome {
        switch ending {
        case .exited(code: 0): .success
        case .timedOut: .timeout
        case .exited, .signaled, .cannotStart: .failure
        }
    }

    /// A short line for the alert's `recovery` annotation and the history: `exit 0 after 1.2 s`,
    /// `exit 1 after 0.4 s`, `killed by SIGSEGV after 3.0 s`, `timed out after 30 s`,
    /// `cannot start: No such file or directory`.
    public var summary: String {
        switch ending {
        case .exited(let code): "exit \(code) after \(spokenSeconds(duration))"
        case .signaled(let signal): "killed by \(signalName(signal)) after \(spokenSeconds(duration))"
        case .timedOut(let timeout): "timed out after \(spokenSeconds(timeout))"
        case .cannotStart(let reason): "cannot start: \(reason)"
        }
    }
}

/// `SIGTERM` for the common signals, `signal 42` for others.
func signalName(_ signal: Int32) -> String {
    let names: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
        9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
    ]
    return names[signal] ?? "signal \(signal)"
}
