import Foundation
import Model
import Testing

@testable import Recovery

#if canImport(Glibc)
    import Glibc
#endif

/// Real processes through ``CommandRunner``: how they end, what they print, what they see.
struct CommandRunnerTests {
    let scripts = Scripts()
    let runner = CommandRunner()
    let environment = CommandRunner.stepEnvironment(agent: "order-7", agentType: "worker", step: "restart")

    @Test func aCommandThatExitsZeroSucceedsWithItsOutputAndErrorsInOrder() async throws {
        let script = try scripts.write("hbz-ok", "echo started; echo 'a warning' >&2; echo done")
        let result = await runner.run([script], environment: environment, timeout: .seconds(10))
        #expect(result.ending == .exited(code: 0))
        #expect(result.outcome == .success)
        #expect(result.output == CapturedOutput(bytes: Array("started\na warning\ndone\n".utf8), truncated: false))
        #expect(result.duration < .seconds(5))
        #expect(result.summary.hasPrefix("exit 0 after 0."))
    }

    @Test func aCommandThatExitsThreeFailsWithItsCode() async throws {
        let script = try scripts.write("hbz-three", "echo 'unit not found'; exit 3")
        let result = await runner.run([script], environment: environment, timeout: .seconds(10))
        #expect(result.ending == .exited(code: 3))
        #expect(result.outcome == .failure)
        #expect(result.output.text == "unit not found\n")
        #expect(result.summary == "exit 3 after \(spokenSeconds(result.duration))")
    }

    @Test func aCommandKilledBySignalSaysWhich() async throws {
        let script = try scripts.write("hbz-segv", "kill -SEGV $$")
        let result = await runner.run([script], environment: environment, timeout: .seconds(10))
        #expect(result.ending == .signaled(SIGSEGV))
        #expect(result.outcome == .failure)
        #expect(result.summary.hasPrefix("killed by SIGSEGV after "))
    }

    /// The script starts a grandchild in its process group and outlives the timeout: both are ended.
    @Test func aCommandPastItsTimeoutIsEndedWithItsWholeProcessGroup() async throws {
        let pidFile = scripts.directory + "/grandchild.pid"
        let script = try scripts.write("hbz-slow", "sleep 30 &\necho $! > '\(pidFile)'\necho waiting\nsleep 30")
        let result = await runner.run([script], environment: environment, timeout: .seconds(1))
        #expect(result.ending == .timedOut(after: .seconds(1)))
        #expect(result.outcome == .timeout)
        #expect(result.summary == "timed out after 1 s")
        // Within the timeout plus a little: the group ended at SIGTERM, not at the 2 s grace's SIGKILL.
        #expect(result.duration >= .seconds(1) && result.duration < .milliseconds(2500))
        #expect(result.output.text == "waiting\n")
        let grandchild = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmed))
        #expect(!Scripts.isRunning(grandchild))
    }

    /// SIGTERM ignored: SIGKILL follows after the grace.
    @Test func aCommandIgnoringSIGTERMIsKilledAfterTheGrace() async throws {
        let script = try scripts.write("hbz-stubborn", "trap '' TERM\nsleep 30")
        let runner = CommandRunner(killGrace: .milliseconds(500))
        let result = await runner.run([script], environment: environment, timeout: .milliseconds(500))
        #expect(result.ending == .timedOut(after: .milliseconds(500)))
        #expect(result.summary == "timed out after 0.5 s")
        #expect(result.duration >= .seconds(1) && result.duration < .milliseconds(2500))
    }

    @Test func outputBeyondTheLimitKeepsTheLastBytes() async throws {
        let lines = "i=0; while [ $i -lt 100 ]; do printf '%09d\\n' $i; i=$((i+1)); done"
        let script = try scripts.write("hbz-chatty", lines)
        let result = await CommandRunner(outputLimit: 30).run([script], environment: environment, timeout: .seconds(10))
        #expect(result.ending == .exited(code: 0))
        #expect(
            result.output == CapturedOutput(bytes: Array("000000097\n000000098\n000000099\n".utf8), truncated: true))
        let whole = await CommandRunner(outputLimit: 1000).run(
            [script], environment: environment, timeout: .seconds(10))
        #expect(whole.output.bytes.count == 1000)
        #expect(!whole.output.truncated)
    }

    @Test func manyMegabytesOfOutputNeitherStallTheCommandNorGrowTheCapture() async throws {
        let script = try scripts.write("hbz-flood", "head -c 20000000 /dev/zero; echo end")
        let result = await runner.run([script], environment: environment, timeout: .seconds(20))
        #expect(result.ending == .exited(code: 0))
        #expect(result.output.bytes.count == CommandRunner.defaultOutputLimit)
        #expect(result.output.truncated)
        #expect(result.output.bytes.suffix(4) == Array("end\n".utf8))
    }

    /// The child's environment is the one given plus the exporter's PATH, nothing else of the exporter's.
    @Test func theEnvironmentIsTheGivenOnePlusPath() throws {
        let result = runner.runBlocking(["env"], environment: environment, timeout: .seconds(10))
        let lines = Set(result.output.text.split(separator: "\n").map(String.init))
        let path = try #require(ProcessInfo.processInfo.environment["PATH"])
        #expect(
            lines == [
                "HEARTBEAT_AGENT=order-7", "HEARTBEAT_AGENT_TYPE=worker", "HEARTBEAT_STEP=restart", "PATH=\(path)",
            ])
    }

    @Test func anArgumentThatWouldInjectArrivesAsOneLiteralArgument() throws {
        let marker = scripts.directory + "/injected"
        let hostile = #"order 7'"; touch \#(marker); $(touch \#(marker)) `touch \#(marker)` | && > $HOME"#
        let script = try scripts.write("hbz-argv", #"for argument in "$@"; do printf '[%s]\n' "$argument"; done"#)
        let result = runner.runBlocking([script, hostile, "second"], environment: environment, timeout: .seconds(10))
        #expect(result.output.text == "[\(hostile)]\n[second]\n")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func aMissingExecutableCannotStart() {
        let result = runner.runBlocking(["no-such-recovery-command"], environment: environment, timeout: .seconds(5))
        #expect(result.ending == .cannotStart("No such file or directory"))
        #expect(result.outcome == .failure)
        #expect(result.summary == "cannot start: No such file or directory")
    }

    @Test func aFileThatIsNotExecutableCannotStart() throws {
        let path = scripts.directory + "/not-executable"
        try "echo hi\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = runner.runBlocking([path], environment: environment, timeout: .seconds(5))
        #expect(result.summary == "cannot start: Permission denied")
    }

    @Test(arguments: [
        ([String](), "cannot start: empty command"),
        (["echo", "a\u{0}b"], "cannot start: argument 1 holds a NUL byte"),
    ])
    func anArgumentVectorExecCannotTakeIsRefused(arguments: [String], summary: String) {
        #expect(runner.runBlocking(arguments, environment: environment, timeout: .seconds(5)).summary == summary)
    }

    /// Every way of ending reaps the child: no zombie named like the scripts is left.
    @Test func noChildIsLeftAZombie() async throws {
        let endings = [("hbz-z-ok", "exit 0"), ("hbz-z-fail", "exit 1"), ("hbz-z-slow", "sleep 30")]
        for (name, body) in endings {
            let script = try scripts.write(name, body)
            _ = await runner.run([script], environment: environment, timeout: .milliseconds(300))
        }
        #expect(Scripts.zombieChildren(named: "hbz-z-") == [])
    }

    /// Four commands at once all run at the same time: `run` holds no lock and none of the two threads of Swift's
    /// cooperative pool (a two-core machine) while it waits. Each command notes when it started and ended; every
    /// start precedes every end.
    @Test func commandsRunSideBySide() async throws {
        let log = scripts.directory + "/times"
        let script = try scripts.write(
            "hbz-nap", "echo \"start $(date +%s%N)\" >> '\(log)'\nsleep 1\necho \"end $(date +%s%N)\" >> '\(log)'")
        async let first = runner.run([script], environment: environment, timeout: .seconds(20))
        async let second = runner.run([script], environment: environment, timeout: .seconds(20))
        async let third = runner.run([script], environment: environment, timeout: .seconds(20))
        async let fourth = runner.run([script], environment: environment, timeout: .seconds(20))
        let endings = await [first, second, third, fourth].map(\.ending)
        #expect(endings == Array(repeating: .exited(code: 0), count: 4))
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: " ")
        }
        let starts = lines.filter { $0.first == "start" }.compactMap { Int($0[1]) }
        let ends = lines.filter { $0.first == "end" }.compactMap { Int($0[1]) }
        #expect(starts.count == 4 && ends.count == 4)
        #expect((starts.max() ?? .max) < (ends.min() ?? .min))
    }

    @Test func standardInputIsDevNull() {
        let result = runner.runBlocking(
            ["readlink", "/proc/self/fd/0"], environment: environment, timeout: .seconds(5))
        #expect(result.output.text == "/dev/null\n")
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
