import Foundation
import JSON
import Testing
import TestSupport

/// `heartbeat-exporter run` and the start endpoint with the real binary: a failing script's run is recorded with its
/// exit code and the last line of its output, a successful run with its duration, the series pass `promtool check
/// metrics`, runs survive a restart, and with the exporter down the command still runs and its code is returned.
@Suite(.serialized)
struct JobRunWrapperTests {
    func run(_ arguments: [String], url: String) async throws -> ExternalTool.Result {
        try await ExternalTool.run(
            ExporterProcess.binary, ["run"] + arguments, environment: ["HEARTBEAT_EXPORTER_URL": url])
    }

    func script(_ name: String, _ text: String) throws -> String {
        let directory = TestPaths.temporaryDirectory("job-runs")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    @Test func aFailingScriptIsRecordedWithItsExitCodeAndLastLineAndASuccessWithItsDuration() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let failing = try script(
            "failing.sh", "#!/bin/sh\necho 'copying 3 files'\necho 'disk full: /var/backup' >&2\nexit 3\n")
        let failed = try await run(
            ["backup", "--schedule", "0 3 * * *", "--timeout", "1h", "--", failing], url: exporter.baseURL)
        #expect(failed.status == 3)
        #expect(failed.stdout == "copying 3 files\n")
        #expect(failed.stderr == "disk full: /var/backup\n")
        let agent = try await client.get("/api/v1/agents/backup").data.objectValue
        let lastRun = agent?["last_run"]?.objectValue
        #expect(lastRun?["result"]?.stringValue == "failure")
        #expect(lastRun?["exit_code"]?.numberValue == 3)
        #expect(lastRun?["output"]?.stringValue?.hasSuffix("disk full: /var/backup\n") == true)
        #expect(agent?["run"] == .null)
        #expect(agent?["schedule"]?.objectValue?["cron"]?.stringValue == "0 3 * * *")

        let succeeded = try await run(["report", "--", "/bin/sleep", "1.2"], url: exporter.baseURL)
        #expect(succeeded.status == 0 && succeeded.stderr.isEmpty)
        let report = try await client.get("/api/v1/agents/report").data.objectValue?["last_run"]?.objectValue
        #expect(report?["result"]?.stringValue == "success")
        let duration = report?["duration_seconds"]?.numberValue ?? 0
        #expect(duration >= 1.2 && duration < 10)

        let metrics = try await client.get("/metrics")
        let text = metrics.text
        for line in [
            #"agent_last_run_success{agent="backup"} 0"#, #"agent_last_run_exit_code{agent="backup"} 3"#,
            #"agent_last_run_success{agent="report"} 1"#, #"agent_running{agent="backup"} 0"#,
        ] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
        #expect(text.contains("# TYPE agent_last_run_duration_seconds gauge\n"))
        let check = try await ExternalTool.run("promtool", ["check", "metrics"], input: metrics.body)
        #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")

        #expect(await exporter.terminate() == 0)
        let restarted = try await ExporterProcess(storagePath: exporter.storagePath)
        let after = try await HTTPTestClient(baseURL: restarted.baseURL).get("/api/v1/agents/backup")
        #expect(after.data.objectValue?["last_run"] == agent?["last_run"])
        _ = await restarted.terminate()
    }

    @Test func theStartEndpointOpensARunAndAnOverlongRunIsReported() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        let started = try await client.post(
            "/api/v1/agents/etl/start", #"{"max_runtime_seconds": 0.001}"#,
            headers: ["Content-Type": "application/json"])
        #expect(started.status == 202)
        try await Task.sleep(for: .milliseconds(20))
        let run = try await client.get("/api/v1/agents/etl").data.objectValue?["run"]?.objectValue
        #expect(run?["running_too_long"] == .bool(true))
        #expect(run?["max_runtime_seconds"]?.numberValue == 0.001)
        let metrics = try await client.get("/metrics").text
        #expect(metrics.contains(#"agent_running{agent="etl"} 1"# + "\n"))
        #expect(metrics.contains(#"agent_run_max_runtime_seconds{agent="etl"} 0.001"# + "\n"))

        let wrongAgent = try await client.post(
            "/api/v1/agents/etl/start", #"{"agent": "other"}"#, headers: ["Content-Type": "application/json"])
        #expect(wrongAgent.status == 422)
        #expect(wrongAgent.errorMessage == #"field "agent": must be "etl" at this path"#)
        let badExit = try await client.post(
            "/api/v1/heartbeat", #"{"agent": "etl", "exit_code": 300}"#, headers: ["Content-Type": "application/json"])
        #expect(badExit.status == 422)
        #expect(badExit.errorMessage == #"field "exit_code": must be between 0 and 255"#)
        let long = String(repeating: "x", count: 30_000) + "\\nthe last line"
        let truncated = try await client.post(
            "/api/v1/heartbeat", #"{"agent": "etl", "exit_code": 1, "output": ""# + long + #""}"#,
            headers: ["Content-Type": "application/json"])
        #expect(truncated.status == 202)
        let output = try await client.get("/api/v1/agents/etl").data.objectValue?["last_run"]?.objectValue?["output"]
        #expect(output?.stringValue?.utf8.count == 10_240)
        #expect(output?.stringValue?.hasSuffix("x\nthe last line") == true)
        _ = await exporter.terminate()
    }

    @Test func withTheExporterDownTheCommandStillRunsAndItsCodeIsReturned() async throws {
        let result = try await run(
            ["offline-job", "--", "/bin/sh", "-c", "echo ran; exit 5"], url: "http://127.0.0.1:1")
        #expect(result.status == 5)
        #expect(result.stdout == "ran\n")
        let warnings = result.stderr.split(separator: "\n")
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0.hasPrefix("heartbeat-exporter run: warning: cannot report the ") })
        #expect(warnings.first?.contains("start of offline-job to the exporter (the job runs all the same)") == true)
        #expect(warnings.last?.contains("(its exit code 5 is returned all the same)") == true)
    }

    /// An operator's trial: with the start lost, the finish created the job without its schedule, and a job run
    /// hourly was then judged as an agent silent for 90 s. The finish carries the schedule and type too.
    @Test func theFinishCarriesTheScheduleWhenTheStartWasLost() async throws {
        let unavailable = try LocalHTTPServer(statuses: Array(repeating: 503, count: 6))
        defer { unavailable.stop() }
        let result = try await run(
            ["hourly-job", "--schedule", "@hourly", "--agent-type", "etl", "--", "/bin/true"],
            url: "http://127.0.0.1:\(unavailable.port)")
        #expect(result.status == 0)
        let finish = try #require(unavailable.requests.last { $0.requestLine.hasPrefix("POST /api/v1/heartbeat") })
        let body = String(decoding: finish.body, as: UTF8.self)
        #expect(body.contains(#""schedule":{"cron":"@hourly""#), "\(body)")
        #expect(body.contains(#""agent_type":"etl""#), "\(body)")
    }

    /// An operator's trial: `run` waited for a process the command left in the background to close its output,
    /// and measured the run as long as that process lived. The run ends with the command.
    @Test func aProcessLeftInTheBackgroundDoesNotHoldTheRunOpen() async throws {
        let exporter = try await ExporterProcess()
        let started = Date()
        let result = try await run(
            ["bg-job", "--", "/bin/sh", "-c", "sleep 20 & echo parent exits; exit 0"], url: exporter.baseURL)
        #expect(result.status == 0 && result.stdout == "parent exits\n")
        #expect(Date().timeIntervalSince(started) < 10, "returned once the command exited, not after 20 s")
        let run = try await HTTPTestClient(baseURL: exporter.baseURL).get("/api/v1/agents/bg-job").data.objectValue
        let duration = run?["last_run"]?.objectValue?["duration_seconds"]?.numberValue ?? 99
        #expect(duration < 5, "the run lasted as long as the command: \(duration) s")
        _ = await exporter.terminate()
    }

    /// An operator's trial: `--schedule '61 * * * *'` printed a warning after the job ran unwatched. Every flag the
    /// exporter would refuse is a usage error naming the flag (exit 64, argument-parser's usage status), and the
    /// command does not run.
    @Test(arguments: [
        (["--schedule", "61 * * * *"], "Error: --schedule: minute field: 61 is not in 0-59 (schedule.cron)"),
        (
            ["--schedule", "0 0 3 * * *"],
            "Error: --schedule: a cron expression has 5 fields (minute hour day-of-month month day-of-week), got 6 "
                + "(schedule.cron)"
        ),
        (
            ["--schedule", "0 3 * * *", "--timezone", "Mars/Olympus"],
            "Error: --timezone: unknown time zone \"Mars/Olympus\" (not in /usr/share/zoneinfo) (schedule.timezone)"
        ),
        (
            ["--schedule", "@daily", "--grace", "2678401"],
            "Error: --grace: must be between 0 and 2678400 (schedule.grace_seconds)"
        ),
        (
            ["--schedule", "@daily", "--grace", "nan"],
            "Error: The value 'nan' is invalid for '--grace <grace>'"
        ),
        (
            ["--schedule", "@daily", "--grace", "32d"],
            "Error: --grace: must be between 0 and 2678400 (schedule.grace_seconds)"
        ),
        (["--timeout", "32d"], "Error: --timeout: must be between 0 and 2678400 (max_runtime_seconds)"),
        (["--interval", "32d"], "Error: --interval: must be between 0 and 2678400 (interval_seconds)"),
        (
            ["--agent-type", "night ly"],
            "Error: --agent-type: must be 1-128 characters of [A-Za-z0-9_.:-] (agent_type)"
        ),
        (["--token-file", "/nonexistent/token"], "Error: --token-file: cannot read /nonexistent/token"),
        (["--url", "ftp://127.0.0.1:1"], "Error: --url: not an http or https URL: ftp://127.0.0.1:1"),
    ])
    func badFlagsAreRefusedBeforeTheCommandRuns(flags: [String], error: String) async throws {
        let marker = TestPaths.temporaryDirectory("run-flags") + "/ran"
        let result = try await run(
            ["flagged-job"] + flags + ["--", "/usr/bin/touch", marker], url: "http://127.0.0.1:1")
        #expect(result.status == 64)
        #expect(result.stderr.split(separator: "\n").first.map(String.init) == error, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the command ran")
    }

    /// A bad job name is refused the same way, naming the argument.
    @Test func aBadJobNameIsRefusedBeforeTheCommandRuns() async throws {
        let result = try await run(["nightly/report", "--", "/bin/true"], url: "http://127.0.0.1:1")
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: JOB: must be 1-128 characters of [A-Za-z0-9_.:-] (agent)\n"))
    }

    /// `--timeout` only sets the run's max runtime; the help says the command is not stopped.
    @Test func theHelpSaysTimeoutDoesNotStopTheCommand() async throws {
        let help = try await ExternalTool.run(ExporterProcess.binary, ["run", "--help"])
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("The command is NOT stopped or killed."), "\(help.stdout)")
        #expect(text.contains("--timeout only sets the run's max_runtime_seconds"), "\(help.stdout)")
    }

    /// The command gets default signal handling, whatever the wrapper's runtime set for itself: a job that
    /// signals itself dies of it, as it would without the wrapper.
    @Test func theCommandDiesOfASignalAsItWouldWithoutTheWrapper() async throws {
        let exporter = try await ExporterProcess()
        let result = try await run(
            ["signalled-job", "--", "/bin/sh", "-c", "kill -TERM $$; echo survived"], url: exporter.baseURL)
        #expect(result.status == 143, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("survived"))
        let job = try await HTTPTestClient(baseURL: exporter.baseURL).get("/api/v1/agents/signalled-job")
        let last = job.data.objectValue?["last_run"]?.objectValue
        #expect(last?["exit_code"]?.numberValue == 143)
        await exporter.terminate()
    }

    /// `systemctl stop` or `timeout` sends SIGTERM to the wrapper: the command gets it, and the run is reported
    /// finished with its exit code rather than left open.
    @Test func aSignalToTheWrapperIsPassedOnAndTheFinishIsStillSent() async throws {
        let exporter = try await ExporterProcess()
        let ready = TestPaths.temporaryDirectory("job-runs") + "/trap-ready"
        let job = try script(
            "trap-term",
            "#!/bin/sh\ntrap 'echo got TERM; kill $pid; exit 7' TERM\ntouch \(ready)\nsleep 30 &\npid=$!\nwait $pid\n")
        let wrapper = Process()
        wrapper.executableURL = URL(fileURLWithPath: ExporterProcess.binary)
        wrapper.arguments = ["run", "stopped-job", "--", job]
        wrapper.environment = ["HEARTBEAT_EXPORTER_URL": exporter.baseURL, "PATH": "/usr/bin:/bin"]
        let output = Pipe()
        wrapper.standardOutput = output
        try wrapper.run()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        try await waitUntil("the run is open and the command has set its trap") {
            let agent = try await client.get("/api/v1/agents/stopped-job").data.objectValue
            return agent?["run"]?.objectValue?["started_at"] != nil && FileManager.default.fileExists(atPath: ready)
        }
        kill(wrapper.processIdentifier, SIGTERM)
        let status = await wrapper.exitStatus()
        #expect(status == 7)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text == "got TERM\n")
        let last = try await client.get("/api/v1/agents/stopped-job").data.objectValue?["last_run"]?.objectValue
        #expect(last?["exit_code"]?.numberValue == 7)
        await exporter.terminate()
    }

    /// A stop that reaches the wrapper while it is still reporting the start (the exporter slow to answer) does not
    /// kill the wrapper: the command is not started, and the finish is reported with 128 + the signal, as for a
    /// command the signal ended.
    @Test func aSignalBeforeTheCommandStartsIsReportedAndTheCommandDoesNotRun() async throws {
        let released = TestPaths.temporaryDirectory("job-runs") + "/start-answered"
        let exporter = try LocalHTTPServer { request in
            if request.requestLine.contains("/start") {
                for _ in 0..<200 where !FileManager.default.fileExists(atPath: released) { usleep(50_000) }
            }
            return (202, Array(#"{"status": "accepted"}"#.utf8))
        }
        defer { exporter.stop() }
        let marker = TestPaths.temporaryDirectory("job-runs") + "/ran-after-stop"
        let wrapper = Process()
        wrapper.executableURL = URL(fileURLWithPath: ExporterProcess.binary)
        wrapper.arguments = ["run", "early-stop", "--", "/usr/bin/touch", marker]
        wrapper.environment = [
            "HEARTBEAT_EXPORTER_URL": "http://127.0.0.1:\(exporter.port)", "PATH": "/usr/bin:/bin",
        ]
        wrapper.standardError = FileHandle.nullDevice
        try wrapper.run()
        try await waitUntil("the start is being reported") {
            exporter.requests.contains { $0.requestLine.contains("/start") }
        }
        kill(wrapper.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(200))
        _ = FileManager.default.createFile(atPath: released, contents: nil)
        let status = await wrapper.exitStatus()
        #expect(wrapper.terminationReason == .exit && status == 143, "died of the signal instead: \(status)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the command ran after the stop")
        let finish = exporter.requests.last.flatMap { try? JSONParser.parse($0.body).objectValue }
        #expect(finish?["exit_code"]?.numberValue == 143, "\(String(describing: finish))")
    }

    /// A job without a schedule is judged on a day's period by default (or `--interval`), not as an agent that
    /// should beat every 30 seconds: it is not paged as dead minutes after it succeeded.
    @Test func aJobWithoutAScheduleIsJudgedOnItsInterval() async throws {
        let exporter = try await ExporterProcess()
        let client = HTTPTestClient(baseURL: exporter.baseURL)
        #expect(try await run(["daily-job", "--", "/bin/true"], url: exporter.baseURL).status == 0)
        #expect(
            try await run(["hourly-job", "--interval", "1h", "--", "/bin/true"], url: exporter.baseURL).status == 0)
        for (job, degradedAfter) in [("daily-job", 86_400.0 + 8_640), ("hourly-job", 3_600.0 + 360)] {
            let thresholds = try await client.get("/api/v1/agents/\(job)").data.objectValue?["thresholds"]?.objectValue
            #expect(thresholds?["degraded_after_seconds"]?.numberValue == degradedAfter, "\(job)")
            #expect(thresholds?["source"]?.stringValue == "interval_seconds_batch", "\(job)")
        }
        await exporter.terminate()
    }

    @Test func aCommandThatCannotBeFoundExits127AndIsRecordedFailed() async throws {
        let exporter = try await ExporterProcess()
        let result = try await run(["missing-job", "--", "/nonexistent/command"], url: exporter.baseURL)
        #expect(result.status == 127)
        #expect(result.stderr.contains("cannot run /nonexistent/command"))
        let lastRun = try await HTTPTestClient(baseURL: exporter.baseURL).get("/api/v1/agents/missing-job").data
            .objectValue?["last_run"]?.objectValue
        #expect(lastRun?["exit_code"]?.numberValue == 127)
        _ = await exporter.terminate()
    }
}
