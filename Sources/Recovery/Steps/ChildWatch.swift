import Model

#if canImport(Glibc)
    import Glibc
#endif

/// Waits for a spawned child on the calling thread: reads its output pipe, reaps it, and on the deadline signals
/// its process group. Bounded: every wait is a `poll` or a sleep of at most 50 ms, rechecking the deadline.
struct ChildWatch {
    private let child: SpawnedChild
    private let deadline: MonotonicInstant
    private var tail: OutputTail
    private var pipeOpen = true

    init(child: SpawnedChild, deadline: MonotonicInstant, outputLimit: Int) {
        self.child = child
        self.deadline = deadline
        self.tail = OutputTail(limit: outputLimit)
        _ = fcntl(child.output, F_SETFL, fcntl(child.output, F_GETFL) | O_NONBLOCK)
    }

    /// What was captured.
    var output: CapturedOutput { tail.output }

    /// Returns once the child is reaped (on the deadline, after terminating its group); closes the pipe.
    mutating func wait(timeout: PrometheusDuration, killGrace: PrometheusDuration) -> CommandEnding {
        defer { close(child.output) }
        var idle = PrometheusDuration.milliseconds(1)
        while true {
            if let status = reap() {
                readAvailable(waitingAtMost: .zero)
                return Self.ending(status)
            }
            let remaining = deadline.remaining()
            if remaining <= .zero {
                terminateGroup(grace: killGrace)
                return .timedOut(after: timeout)
            }
            if pipeOpen {
                readAvailable(waitingAtMost: min(remaining, .milliseconds(50)))
            } else {
                pause(min(remaining, idle))
                idle = min(idle * 2, .milliseconds(50))
            }
        }
    }

    /// SIGTERM to the group; once the child is reaped and the group empty, done; else SIGKILL after `grace`.
    private mutating func terminateGroup(grace: PrometheusDuration) {
        kill(-child.pid, SIGTERM)
        let graceEnd = MonotonicInstant.now().adding(grace)
        var reaped = false
        while graceEnd.remaining() > .zero {
            if !reaped { reaped = reap() != nil }
            if reaped && !processGroupHasLiveMembers(child.pid) { return }
            if pipeOpen { readAvailable(waitingAtMost: .milliseconds(10)) } else { pause(.milliseconds(10)) }
        }
        kill(-child.pid, SIGKILL)
        if !reaped { reapBlocking() }
    }

    /// The child's wait status once it has ended (and is reaped), nil while it runs.
    private func reap() -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(child.pid, &status, WNOHANG)
            if result == child.pid { return status }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            // ECHILD: someone else reaped it (SIGCHLD ignored process-wide); its status is lost.
            return 255 << 8
        }
    }

    private func reapBlocking() {
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// Reads what the pipe holds, waiting up to `span` for the first bytes; notes the end of the stream.
    /// At most 64 reads, so that a command writing without pause cannot keep the deadline from being checked.
    private mutating func readAvailable(waitingAtMost span: PrometheusDuration) {
        guard pipeOpen else { return }
        var descriptor = pollfd(fd: child.output, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(span.milliseconds)) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for _ in 0..<64 {
            let count = buffer.withUnsafeMutableBytes { read(child.output, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.withUnsafeBytes { tail.append(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count == 0 || errno != EAGAIN { pipeOpen = false }
            return
        }
    }

    private func pause(_ span: PrometheusDuration) {
        usleep(UInt32(max(0, span.milliseconds) * 1000))
    }

    /// `exited` or `signaled`, from a `waitpid` status.
    static func ending(_ status: Int32) -> CommandEnding {
        let signal = status & 0x7f
        return signal == 0 ? .exited(code: (status >> 8) & 0xff) : .signaled(signal)
    }
}

/// A reading of the monotonic clock (`CLOCK_MONOTONIC`), to the millisecond: durations and deadlines of real
/// processes, which no test clock can stand for.
struct MonotonicInstant {
    let milliseconds: Int64

    static func now() -> MonotonicInstant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return MonotonicInstant(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    func adding(_ span: PrometheusDuration) -> MonotonicInstant {
        MonotonicInstant(milliseconds: milliseconds + span.milliseconds)
    }

    func remaining() -> PrometheusDuration { .milliseconds(milliseconds - Self.now().milliseconds) }

    func elapsed() -> PrometheusDuration { .milliseconds(Self.now().milliseconds - milliseconds) }
}
