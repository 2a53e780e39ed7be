import Model
import Testing

@testable import Recovery

#if canImport(Glibc)
    import Glibc
#endif

/// No descriptor of the exporter reaches a command, however many are open.
@Suite(.serialized) struct CommandDescriptorTests {
    /// `ls /proc/self/fd` in the child: its 0, 1 and 2, and the 3 `ls` opens to read the directory.
    static func childDescriptors(_ runner: CommandRunner) -> [String] {
        let result = runner.runBlocking(["ls", "/proc/self/fd"], environment: [:], timeout: .seconds(10))
        return result.output.text.split(separator: "\n").map(String.init)
    }

    /// `count` pipes without close-on-exec, moved to descriptors from 10,000 up (so that the low numbers stay
    /// free for the rest of the test process); closed by the caller.
    static func openPipes(_ count: Int) -> [Int32] {
        var descriptors: [Int32] = []
        for _ in 0..<count {
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { break }
            for end in ends {
                descriptors.append(fcntl(end, F_DUPFD, 10_000))
                close(end)
            }
        }
        return descriptors.filter { $0 >= 0 }
    }

    /// This machine's glibc (2.36) has `posix_spawn_file_actions_addclosefrom_np`: the tests below exercise it.
    @Test func thisGlibcClosesDescriptorsInTheChild() {
        #expect(DescriptorHygiene.best == .closeFrom)
        #expect(CommandRunner().hygiene == .closeFrom)
    }

    @Test func theParentsOpenDescriptorsAreNotVisibleInTheChild() {
        let open = Self.openPipes(4)
        defer { for descriptor in open { close(descriptor) } }
        #expect(open.count == 8)
        #expect(Self.childDescriptors(CommandRunner()) == ["0", "1", "2", "3"])
    }

    @Test func twoThousandOpenPipesDoNotBreakSpawning() async {
        let open = Self.openPipes(2000)
        defer { for descriptor in open { close(descriptor) } }
        #expect(open.count == 4000)
        #expect(Self.childDescriptors(CommandRunner()) == ["0", "1", "2", "3"])
        let result = await CommandRunner().run(["true"], environment: [:], timeout: .seconds(10))
        #expect(result.ending == .exited(code: 0))
    }

    /// Without `posix_spawn_file_actions_addclosefrom_np` (glibc before 2.34), the runner marks every open
    /// descriptor close-on-exec before it spawns.
    @Test func theFallbackForOlderGlibcAlsoKeepsDescriptorsFromTheChild() {
        let open = Self.openPipes(2000)
        defer { for descriptor in open { close(descriptor) } }
        let runner = CommandRunner(outputLimit: 65_536, killGrace: .seconds(1), hygiene: .markCloseOnExec)
        let seen = Set(Self.childDescriptors(runner).compactMap { Int32($0) })
        #expect(seen.isDisjoint(with: open))
        #expect(seen.isSuperset(of: [0, 1, 2]))
    }
}
