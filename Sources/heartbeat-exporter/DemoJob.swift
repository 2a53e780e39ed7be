import Foundation

/// Demo batch jobs, reported as `heartbeat-exporter run` does (`POST /api/v1/agents/{agent}/start`, then a beat
/// with `"run": "finish"`): one that runs well, one whose run fails, one that hangs past its max runtime and one
/// that does not start on schedule. Each has a schedule whose runs are not due during the demo (or, for the late
/// one, exactly one), so none of them looks silent to the health rules.
enum DemoJob {
    /// A daily schedule at 03:00 UTC with an hour's grace: not due during a demo.
    static let nightly = #"{"cron": "0 3 * * *"}"#

    /// Every 8 s a run: started, 2 s of work, finished with exit code 0 and a line of output. No alert; it fills
    /// the dashboards' jobs table.
    static func healthy(_ context: DemoContext, _ name: String) async {
        var runs = 0
        while context.running {
            await start(context, name, schedule: #"{"cron": "* * * * *"}"#, maxRuntime: 60)
            await context.pause(.seconds(2))
            runs += 1
            await finish(context, name, exitCode: 0, output: "report \(runs): 42 rows exported\n")
            await context.pause(.seconds(6))
        }
        _ = await context.request("POST", "api/v1/agents/\(name)/stop")
    }

    /// One run that fails after 3 s with exit code 3 and an error as its output's last line.
    static func failing(_ context: DemoContext, _ name: String) async {
        await start(context, name, schedule: nightly, maxRuntime: 600)
        await context.pause(.seconds(3))
        context.say(name, "its run fails: exit code 3, \"disk full: /var/backup\"")
        await finish(context, name, exitCode: 3, output: "copying 3 files\ndisk full: /var/backup\n")
    }

    /// One run started with a max runtime of 5 s that never finishes.
    static func hung(_ context: DemoContext, _ name: String) async {
        await start(context, name, schedule: nightly, maxRuntime: 5)
        context.say(name, "starts a run allowed 5s, and hangs")
    }

    /// Runs once now, on a schedule whose next run is the coming minute, and then never starts again.
    static func late(_ context: DemoContext, _ name: String) async {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let next = calendar.dateComponents([.hour, .minute], from: Date().addingTimeInterval(60))
        let cron = "\(next.minute ?? 0) \(next.hour ?? 0) * * *"
        await start(context, name, schedule: #"{"cron": "\#(cron)", "grace_seconds": 5}"#, maxRuntime: 60)
        await finish(context, name, exitCode: 0, output: "done\n")
        context.say(name, "ran once; its next run (\(cron) UTC, 5s grace) will not start")
    }

    private static func start(_ context: DemoContext, _ name: String, schedule: String, maxRuntime: Int) async {
        let body = """
            {"agent_type": "worker", "labels": {"fleet": "demo"}, "max_runtime_seconds": \(maxRuntime),
             "schedule": \(schedule)}
            """
        _ = await context.request("POST", "api/v1/agents/\(name)/start", body: Data(body.utf8))
    }

    private static func finish(_ context: DemoContext, _ name: String, exitCode: Int, output: String) async {
        let escaped = output.replacingOccurrences(of: "\n", with: "\\n")
        let body = """
            {"agent": "\(name)", "run": "finish", "exit_code": \(exitCode), "output": "\(escaped)",
             "tasks": [{"success": \(exitCode == 0)}]}
            """
        _ = await context.request("POST", "api/v1/heartbeat", body: Data(body.utf8))
    }
}
