import ArgumentParser
import Foundation
import JSON
import Model

/// `heartbeat-exporter run JOB [--schedule CRON] [--timeout D] -- COMMAND ARGS…`: runs a batch job under watch.
///
/// Sends the start (`POST /api/v1/agents/{JOB}/start`), runs the command from its argument vector (no shell) with
/// this process's standard input and environment, forwards its standard output and error unchanged, then sends the
/// finish: success when it exits 0, its exit code, its duration (as the task's `latency_ms`; the exporter also
/// measures the run itself) and the last 10 KiB of its output. Exits with the command's code (128 + the signal when
/// a signal ended it; 127 when it cannot be found, 126 when it cannot be run). Like runitor, it never fails the job
/// because the exporter cannot be reached: each report is tried three times (1 s, then 2 s apart), then it says so
/// on standard error and goes on. A job without `--schedule` is reported with `--interval` (default a day) as its
/// `interval_seconds`, so that the exporter judges it as healthchecks.io judges a period (late after the interval
/// and its grace), not as an agent expected every 30 seconds.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a command as a batch job, reporting its start and finish.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The job's agent name.") var job: String
    @Option(name: .customLong("agent-type"), help: "The job's agent type.") var agentType: String?
    @Option(help: "A five-field cron expression or a macro (@daily, @hourly…) of when the job runs (judges lateness).")
    var schedule: String?
    @Option(help: "The schedule's time zone, from the system's tz database (default UTC).") var timezone: String?
    @Option(help: "How late a scheduled run may start, as seconds or a duration such as 1h (default 1h).")
    var grace: SecondsArgument?
    @Option(help: "How often the job runs when it has no --schedule, as a Prometheus duration (default 1d).")
    var interval = "1d"
    @Option(
        help: ArgumentHelp(
            "The run's max runtime (such as 30m or 2h): longer, and the exporter reports it as running too long. "
                + "The command is NOT stopped or killed.",
            discussion: "--timeout only sets the run's max_runtime_seconds: past it, the exporter's "
                + "JobRunningTooLong alert fires while the command goes on running. To stop the command, use "
                + "timeout(1): heartbeat-exporter run JOB -- timeout 2h COMMAND."))
    var timeout: String?
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []

    /// Refuses, before the command runs, every flag the exporter would refuse: the reports are checked by the
    /// exporter's own heartbeat decoder (``RunFlagCheck``), so a bad `--schedule`, `--timezone`, `--grace`,
    /// `--timeout`, `--interval`, job name or `--agent-type` is a usage error naming the flag, not a warning after
    /// the job ran unwatched.
    func validate() throws {
        if command.isEmpty { throw ValidationError("name the command to run after --") }
        if schedule == nil, timezone != nil || grace != nil {
            throw ValidationError("--timezone and --grace describe a schedule: add --schedule")
        }
        _ = try maxRuntime()
        if schedule != nil, interval != "1d" { throw ValidationError("--interval is for jobs without --schedule") }
        guard (try? PrometheusDuration(parsing: interval)).map({ $0 > .zero }) == true else {
            throw ValidationError("--interval: not a positive duration such as 1h or 1d: \(interval)")
        }
        let finish = finishBody(WrappedCommand.Outcome(exitCode: 0, outputTail: []), elapsed: .zero)
        try RunFlagCheck.check(start: startBody(), finish: finish, job: job)
        try client.checkCredentials()
    }

    /// `interval_seconds` for a job without a schedule.
    private var intervalSeconds: Double? {
        guard schedule == nil else { return nil }
        return (try? PrometheusDuration(parsing: interval))?.seconds
    }

    private func maxRuntime() throws -> PrometheusDuration? {
        guard let timeout else { return nil }
        guard let duration = try? PrometheusDuration(parsing: timeout), duration > .zero else {
            throw ValidationError("--timeout: not a positive duration such as 30m or 2h: \(timeout)")
        }
        return duration
    }

    func run() async throws {
        // Caught from before the start is reported: a stop at any moment from then on still reports the finish.
        let forwarding = SignalForwarding.start()
        defer { forwarding.stop() }
        await send("start", "/api/v1/agents/\(job)/start", startBody(), consequence: "the job runs all the same")
        let started = ContinuousClock.now
        let outcome: WrappedCommand.Outcome
        do {
            outcome = try WrappedCommand(arguments: command).run(forwarding: forwarding)
        } catch {
            warn("\(error)")
            let code: Int32 = error.errno == ENOENT ? 127 : 126
            outcome = WrappedCommand.Outcome(exitCode: code, outputTail: Array("\(error)\n".utf8))
        }
        let elapsed = ContinuousClock.now - started
        await send(
            "finish", "/api/v1/heartbeat", finishBody(outcome, elapsed: elapsed),
            consequence: "its exit code \(outcome.exitCode) is returned all the same")
        throw ExitCode(outcome.exitCode)
    }

    private func startBody() -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        if let agentType {
            writer.key("agent_type")
            writer.string(agentType)
        }
        if let schedule {
            BeatCommand.writeSchedule(cron: schedule, timezone: timezone, grace: grace?.seconds, into: &writer)
        }
        if let maxRuntime = try? maxRuntime() {
            writer.key("max_runtime_seconds")
            writer.number(maxRuntime.seconds)
        }
        if let intervalSeconds {
            writer.key("interval_seconds")
            writer.number(intervalSeconds)
        }
        writer.endObject()
        return writer.bytes
    }

    private func finishBody(_ outcome: WrappedCommand.Outcome, elapsed: Duration) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("agent")
        writer.string(job)
        writer.key("run")
        writer.string("finish")
        writer.key("exit_code")
        writer.number(Double(outcome.exitCode))
        // The job's rhythm again: when the start could not be delivered, the finish is the exporter's first word.
        if let agentType {
            writer.key("agent_type")
            writer.string(agentType)
        }
        if let schedule {
            BeatCommand.writeSchedule(cron: schedule, timezone: timezone, grace: grace?.seconds, into: &writer)
        }
        if let intervalSeconds {
            writer.key("interval_seconds")
            writer.number(intervalSeconds)
        }
        writer.key("output")
        writer.string(OutputTail(bytes: outcome.outputTail).text)
        writer.key("tasks")
        writer.beginArray()
        writer.beginObject()
        writer.key("success")
        writer.bool(outcome.exitCode == 0)
        writer.key("latency_ms")
        let (seconds, attoseconds) = elapsed.components
        writer.number(Double(seconds) * 1000 + Double(attoseconds) / 1e15)
        writer.endObject()
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// Sends one report; any failure (exporter down, refused) is a warning on standard error saying `consequence`,
    /// never the job's end.
    private func send(_ what: String, _ path: String, _ body: [UInt8], consequence: String) async {
        var lastError = ""
        for attempt in 0..<3 {
            if attempt > 0 { try? await Task.sleep(for: .seconds(attempt)) }
            do {
                let reply = try await client.send("POST", path, body: body)
                _ = try APIEnvelope.data(status: reply.status, body: reply.body)
                return
            } catch {
                lastError = "\(error)"
                // An answer that refuses the report (4xx) will not change on a retry.
                if let status = (error as? ClientError).flatMap(Self.status), (400..<500).contains(status) { break }
            }
        }
        warn("cannot report the \(what) of \(job) to the exporter (\(consequence)): \(lastError)")
    }

    /// The HTTP status an error names (`HTTP 422: …`), if any.
    private static func status(_ error: ClientError) -> Int? {
        let text = "\(error)"
        guard let range = text.range(of: #"HTTP (\d{3})"#, options: .regularExpression) else { return nil }
        return Int(text[range].dropFirst(5))
    }

    private func warn(_ message: String) {
        FileHandle.standardError.write(Data("heartbeat-exporter run: warning: \(TerminalText.escaped(message))\n".utf8))
    }
}
