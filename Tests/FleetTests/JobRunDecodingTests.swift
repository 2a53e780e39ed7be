import Fleet
import JSON
import Model
import Testing

/// A beat's run fields (`run`, `max_runtime_seconds`, `exit_code`, `output`): what is accepted, what is cut and
/// each refusal, naming the field.
struct JobRunDecodingTests {
    func decode(_ json: String) throws -> Heartbeat {
        try HeartbeatDecoder().decode(try JSONParser.parse(Array(json.utf8)))
    }

    func refusal(_ json: String) -> HeartbeatError? {
        do {
            _ = try decode(json)
            return nil
        } catch let error as HeartbeatError {
            return error
        } catch {
            return nil
        }
    }

    @Test func decodesAStartWithItsMaxRuntime() throws {
        let beat = try decode(#"{"agent": "n", "run": "start", "max_runtime_seconds": 600}"#)
        #expect(beat.run == RunSignal(phase: .start, maxRuntime: .minutes(10)))
    }

    @Test func decodesAFinishWithExitCodeAndOutput() throws {
        let beat = try decode(#"{"agent": "n", "run": "finish", "exit_code": 3, "output": "step 1\nboom\n"}"#)
        #expect(beat.run == RunSignal(phase: .finish, exitCode: 3, output: "step 1\nboom\n"))
    }

    /// Output over the bound is cut at its start, not refused: the last lines stay, whole characters only.
    @Test func outputOverTheBoundKeepsItsLastBytes() throws {
        let limit = HeartbeatLimits().maxRunOutputBytes
        let head = String(repeating: "é", count: limit)  // two bytes each
        let json = #"{"agent": "n", "exit_code": 1, "output": ""# + head + #"\nlast line"}"#
        let output = try #require(try decode(json).run.output)
        #expect(output.utf8.count <= limit && output.utf8.count >= limit - 1)
        #expect(output.hasSuffix("é\nlast line"))
    }

    @Test(arguments: [
        (#"{"agent": "n", "run": "begin"}"#, "run", "must be one of start, finish"),
        (#"{"agent": "n", "run": "finish"}"#, "run", "a finish needs a task outcome (tasks) or an exit_code"),
        (#"{"agent": "n", "exit_code": 256}"#, "exit_code", "must be between 0 and 255"),
        (#"{"agent": "n", "exit_code": -1}"#, "exit_code", "must be between 0 and 255"),
        (#"{"agent": "n", "run": "start", "exit_code": 0}"#, "exit_code", "belongs to a finish, not a start"),
        (#"{"agent": "n", "max_runtime_seconds": 0}"#, "max_runtime_seconds", "must be above 0"),
        (#"{"agent": "n", "max_runtime_seconds": 2678401}"#, "max_runtime_seconds", "must be between 0 and 2678400"),
        (#"{"agent": "n", "output": 3}"#, "output", "must be a string"),
        (
            #"{"agent": "n", "schedule": {"cron": "0 3 * * *", "max_runtime_seconds": -5}}"#,
            "schedule.max_runtime_seconds", "must be between 0 and 2678400"
        ),
    ])
    func refusesNamingTheField(json: String, field: String, rule: String) {
        let error = refusal(json)
        #expect(error?.field == field)
        #expect(error?.rule == rule)
    }

    @Test func aScheduleMayCarryAMaxRuntime() throws {
        let beat = try decode(#"{"agent": "n", "schedule": {"cron": "0 3 * * *", "max_runtime_seconds": 7200}}"#)
        #expect(beat.schedule?.maxRuntime == .hours(2))
    }
}
