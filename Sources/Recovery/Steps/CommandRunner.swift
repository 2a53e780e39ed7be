import Foundation
import Model

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a recovery step's command: an argument vector, never a shell.
///
/// `argv[0]` is looked up in the exporter's `PATH` (`posix_spawnp`); the child gets exactly the environment it
/// is given plus the exporter's `PATH`, stdin from `/dev/null`, stdout and stderr into one pipe of which the
/// last ``outputLimit`` bytes are kept, no other descriptor of the exporter, default signal handling, and a
/// process group of its own. When the timeout expires the whole group gets SIGTERM, and SIGKILL after
/// ``killGrace``; the child is always reaped.
///
/// The pipe is read until the command exits, not until every writer closed it: a command that leaves a process
/// running (`my-agent &`) returns at once, and that process should send its output elsewhere
/// (`my-agent >/dev/null 2>&1 &`), since the pipe's read end is closed when the command exits. It stays in the
/// command's process group, which is signalled only on a timeout.
///
/// ``runBlocking(_:environment:timeout:)`` waits on the calling thread; ``run(_:environment:timeout:)`` waits
/// on a thread of its own, so neither Swift's cooperative pool nor the caller's thread is held. No lock is held
/// while a command runs, and runners share no state, so commands run side by side.
public struct CommandRunner: Sendable {
    /// The default number of output bytes kept: 4 KiB.
    public static let defaultOutputLimit = 4096

    /// The most output bytes kept (the last ones).
    public var outputLimit: Int
    /// How long a timed-out command's process group has between SIGTERM and SIGKILL.
    public var killGrace: PrometheusDuration
    let hygiene: DescriptorHygiene

    /// A runner.
    /// - Parameters:
    ///   - outputLimit: the most output bytes kept; earlier ones are dropped and the result says so.
    ///   - killGrace: time between SIGTERM and SIGKILL for a timed-out command.
    public init(outputLimit: Int = CommandRunner.defaultOutputLimit, killGrace: PrometheusDuration = .seconds(2)) {
        self.init(outputLimit: outputLimit, killGrace: killGrace, hygiene: .best)
    }

    init(outputLimit: Int, killGrace: PrometheusDuration, hygiene: DescriptorHygiene) {
        self.outputLimit = max(0, outputLimit)
        self.killGrace = max(.zero, killGrace)
        self.hygiene = hygiene
    }

    /// Runs `arguments` on a thread started for it and returns its result; the awaiting task is suspended, not
    /// blocked. The command's timeout bounds the wait (cancelling the task does not stop the command).
    /// - Parameters:
    ///   - arguments: the argument vector; the first is the executable, found through `PATH` unless it holds a
    ///     `/`.
    ///   - environment: the child's whole environment (`HEARTBEAT_AGENT`, `HEARTBEAT_AGENT_TYPE`,
    ///     `HEARTBEAT_STEP`), to which the exporter's `PATH` is added unless given.
    ///   - timeout: how long the command may run.
    public func run(_ arguments: [String], environment: [String: String], timeout: PrometheusDuration) async
        -> CommandResult
    {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: runBlocking(arguments, environment: environment, timeout: timeout))
            }
            thread.name = "recovery-command"
            thread.start()
        }
    }

    /// Runs `arguments` and waits for it on the calling thread: never call it from Swift's cooperative pool or
    /// from a thread that has other work (the rule or notification thread); ``run(_:environment:timeout:)`` is
    /// the asynchronous form. Parameters as there.
    public func runBlocking(_ arguments: [String], environment: [String: String], timeout: PrometheusDuration)
        -> CommandResult
    {
        if let refusal = Self.refusal(of: arguments) {
            return CommandResult(ending: .cannotStart(refusal), duration: .zero)
        }
        let started = MonotonicInstant.now()
        switch spawnRetryingBusyFile(arguments, environment: Self.childEnvironment(environment)) {
        case .failure(let failure):
            return CommandResult(ending: .cannotStart(failure.message), duration: .zero)
        case .success(let child):
            var watch = ChildWatch(
                child: child, deadline: started.adding(max(.zero, timeout)), outputLimit: outputLimit)
            let ending = watch.wait(timeout: timeout, killGrace: killGrace)
            return CommandResult(ending: ending, duration: started.elapsed(), output: watch.output)
        }
    }

    /// `spawnChild`, tried again up to 4 times, 25 ms apart, while the executable is open for writing
    /// (`ETXTBSY`): a script just written, whose descriptor another thread's fork still held for an instant.
    private func spawnRetryingBusyFile(_ arguments: [String], environment: [String]) -> Result<
        SpawnedChild, SpawnFailure
    > {
        var result = spawnChild(arguments, environment: environment, hygiene: hygiene)
        for _ in 0..<4 {
            guard case .failure(let failure) = result, failure.errno == ETXTBSY else { break }
            usleep(25_000)
            result = spawnChild(arguments, environment: environment, hygiene: hygiene)
        }
        return result
    }

    /// Why an argument vector cannot be passed to `execve`, if it cannot.
    static func refusal(of arguments: [String]) -> String? {
        guard !arguments.isEmpty, !arguments[0].isEmpty else { return "empty command" }
        if let index = arguments.firstIndex(where: { $0.utf8.contains(0) }) {
            return "argument \(index) holds a NUL byte"
        }
        return nil
    }

    /// The environment a step's command gets from the ladder: `HEARTBEAT_AGENT`, `HEARTBEAT_AGENT_TYPE` and
    /// `HEARTBEAT_STEP` (the runner adds `PATH`).
    public static func stepEnvironment(agent: String, agentType: String, step: String) -> [String: String] {
        ["HEARTBEAT_AGENT": agent, "HEARTBEAT_AGENT_TYPE": agentType, "HEARTBEAT_STEP": step]
    }

    /// `NAME=value` lines: `given`, with the exporter's `PATH` unless `given` has one.
    static func childEnvironment(_ given: [String: String]) -> [String] {
        var environment = given
        if environment["PATH"] == nil, let path = getenv("PATH") { environment["PATH"] = String(cString: path) }
        return environment.sorted { $0.key < $1.key }.filter {
            !$0.key.isEmpty && !$0.key.contains("=") && !$0.key.utf8.contains(0) && !$0.value.utf8.contains(0)
        }
        .map { "\($0.key)=\($0.value)" }
    }
}
