import Exposition
import Foundation
import Testing

struct ProcFSTests {
    /// A real `/proc/<pid>/stat` line whose command name holds spaces and parentheses.
    static let statFixture =
        "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 1234 0 5 0 "
        + "250 75 0 0 20 0 9 0 123456 1073741824 5120 18446744073709551615 1 1 0 0 0 0 0 4096 17664 0 0 0 17 1 0 0 0 0 0\n"

    @Test func parsesTheFieldsAfterTheLastParenthesis() throws {
        let stat = try ProcFS.parseProcStat(Self.statFixture)
        #expect(
            stat
                == ProcessStat(
                    userTicks: 250, systemTicks: 75, startTicks: 123_456,
                    virtualMemoryBytes: 1_073_741_824, residentPages: 5120))
    }

    @Test(arguments: [
        ("4242 no-paren S 1", "/proc stat: no ')' after the command name"),
        ("1 (x) S 1 2 3", "/proc stat: only 6 fields, need 14"),
        ("1 (x) S 1 1 1 0 -1 0 0 0 0 0 abc 75 0 0 20 0 9 0 1 2 3", "/proc stat: field 14 is not a number: abc"),
    ])
    func rejectsMalformedStat(text: String, message: String) {
        #expect(throws: ProcFSError(message)) { try ProcFS.parseProcStat(text) }
    }

    @Test func parsesBootTime() throws {
        let text = "cpu  1 2 3 4\nintr 5\nctxt 99\nbtime 1764000000\nprocesses 7\n"
        #expect(try ProcFS.parseBootTime(text) == 1_764_000_000)
        #expect(throws: ProcFSError("/proc/stat: no btime line")) { try ProcFS.parseBootTime("cpu 1 2\n") }
    }

    @Test func readsPlausibleValuesFromThisProcess() throws {
        let stat = try ProcFS.parseProcStat(String(contentsOfFile: "/proc/self/stat", encoding: .utf8))
        let bootTime = try ProcFS.parseBootTime(String(contentsOfFile: "/proc/stat", encoding: .utf8))
        let ticksPerSecond = UInt64(sysconf(Int32(_SC_CLK_TCK)))
        let startTime = Double(bootTime) + Double(stat.startTicks) / Double(ticksPerSecond)
        let now = Date().timeIntervalSince1970
        #expect(stat.residentPages > 0)
        #expect(stat.virtualMemoryBytes > stat.residentPages)
        #expect(startTime <= now + 1 && startTime > now - 86_400)
    }
}
