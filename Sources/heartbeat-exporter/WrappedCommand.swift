import Dispatch
import Recovery

#if canImport(Glibc)
    import Glibc
#endif

/// A command the `run` wrapper runs: spawned with `posix_spawnp` from its argument vector (never a shell), with the
/// wrapper's standard input and environment; its standard output and error go through pipes to the wrapper's own,
/// unchanged, while the last ``OutputTail/limit`` bytes of both are kept for the finish.
///
/// The command starts with every signal at its default disposition and none blocked, whatever the wrapper's
/// runtime set for itself, and stays in the wrapper's process group (Ctrl-C reaches it as it would without the
/// wrapper). SIGTERM, SIGINT, SIGHUP and SIGQUIT sent to the wrapper alone (`systemctl stop`, `timeout`, `kill`)
/// are passed on to the command, and the wrapper still reports the finish with the command's exit code.
struct WrappedCommand {
    /// How the command ended.
    struct Outcome {
        /// Its exit status, or 128 + the signal's number when a signal ended it (as a shell reports it).
        var exitCode: Int32
        /// The last bytes of its standard output and error, interleaved as they arrived.
        var outputTail: [UInt8]
    }

    /// Why the command could not be started.
    struct SpawnError: Error, CustomStringConvertible {
        var command: String
        var errno: Int32
        var description: String { "cannot run \(command): \(String(cString: strerror(errno)))" }
    }

    let arguments: [String]

    /// Spawns the command, forwards its output until both pipes close, and reaps it; the signals `forwarding`
    /// catches go to the command. When one came before, the command is not started: it ends as a command killed by
    /// that signal would.
    /// - Throws: ``SpawnError`` when it cannot be started (not found, not executable).
    func run(forwarding: SignalForwarding) throws(SpawnError) -> Outcome {
        if let signal = forwarding.pendingSignal {
            let note = "not started: the wrapper received signal \(signal) before the command ran\n"
            return Outcome(exitCode: 128 + signal, outputTail: Array(note.utf8))
        }
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw SpawnError(command: arguments[0], errno: errno)
        }
        for descriptor in [outPipe[0], errPipe[0]] { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        posix_spawn_file_actions_addclose(&actions, outPipe[1])
        posix_spawn_file_actions_addclose(&actions, errPipe[1])
        // Standard input, output and error only: a descriptor the wrapper inherited or opened (a connection to the
        // exporter) is none of the command's business, and one it passed on would outlive the run in any process
        // the command leaves behind.
        keepDescriptorsAboveStandardError(from: &actions)
        var pid: pid_t = 0
        let pointers = arguments.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        resetSignals(in: &attributes)
        let status = posix_spawnp(&pid, arguments[0], &actions, &attributes, pointers, environ)
        if status == 0 { forwarding.attach(pid) }
        close(outPipe[1])
        close(errPipe[1])
        guard status == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw SpawnError(command: arguments[0], errno: status)
        }
        var tail = OutputTail()
        let exitCode = forward([(outPipe[0], 1), (errPipe[0], 2)], of: pid, into: &tail)
        return Outcome(exitCode: exitCode, outputTail: tail.bytes)
    }

    /// How long output is still read once the command has exited: a process it left running in the background
    /// may hold its pipes open for much longer, and the run is over when the command is (as Go's `WaitDelay`).
    static let drainAfterExit = Duration.seconds(1)

    /// Copies each pipe to its descriptor as data arrives, until every pipe has reached its end, or the command
    /// `pid` has exited and ``drainAfterExit`` has passed; returns the command's exit code.
    private func forward(_ pipes: [(source: Int32, target: Int32)], of pid: pid_t, into tail: inout OutputTail)
        -> Int32
    {
        var open = pipes
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var exitCode: Int32?
        var drainUntil = ContinuousClock.now
        while !open.isEmpty {
            if exitCode == nil, let code = exited(pid) {
                exitCode = code
                drainUntil = ContinuousClock.now + Self.drainAfterExit
            }
            if exitCode != nil, ContinuousClock.now >= drainUntil { break }
            var polled = open.map { pollfd(fd: $0.source, events: Int16(POLLIN), revents: 0) }
            guard poll(&polled, nfds_t(polled.count), 100) >= 0 || errno == EINTR else { break }
            var finished: Set<Int32> = []
            for (index, entry) in polled.enumerated() where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                guard count > 0 else {
                    finished.insert(entry.fd)
                    continue
                }
                let chunk = buffer[0..<count]
                writeAll(chunk, to: open[index].target)
                tail.append(chunk)
            }
            for descriptor in finished { close(descriptor) }
            open.removeAll { finished.contains($0.source) }
        }
        for pipe in open { close(pipe.source) }
        return exitCode ?? reap(pid)
    }

    /// The command's exit code if it has exited (reaping it), nil while it runs.
    private func exited(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return Self.exitCode(status)
    }

    private func writeAll(_ bytes: ArraySlice<UInt8>, to descriptor: Int32) {
        var rest = bytes
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            rest = rest.dropFirst(written)
        }
    }

    /// Waits for the child and turns its status into a shell's exit code.
    private func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return 1 }
        }
        return Self.exitCode(status)
    }

    /// A `waitpid` status as a shell's exit code: the code, or 128 + the signal that ended it.
    private static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

/// The last ``limit`` bytes of a stream: 10 KiB, what a run's finish carries.
struct OutputTail {
    static let limit = 10_240
    private(set) var bytes: [UInt8] = []

    init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        bytes += chunk
        if bytes.count > 2 * Self.limit { bytes.removeFirst(bytes.count - Self.limit) }
    }

    /// The kept bytes as text: at most ``limit`` bytes, starting at a whole UTF-8 character.
    var text: String {
        var kept = bytes.suffix(Self.limit)
        while let first = kept.first, first & 0xC0 == 0x80 { kept = kept.dropFirst() }
        return String(decoding: kept, as: UTF8.self)
    }
}
