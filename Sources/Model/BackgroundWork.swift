import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Work that may wait for the CPU while heartbeats are answered: rule evaluation, `/metrics` renders, the
/// maintenance sweep and commit.
///
/// It runs on threads with a lower scheduling priority (a higher nice value) than libmicrohttpd's, so that on a
/// machine whose cores are busy evaluating rules or rendering 100,000 agents, a heartbeat that arrives is
/// answered first instead of waiting for a time slice. On Linux the nice value is a thread's, and threads inherit
/// it from the thread that creates them.
///
/// The price: such a thread that is preempted while it holds a lock a heartbeat waits for (a shard of the fleet,
/// while it copies that shard's records for a snapshot) keeps the heartbeat waiting until it runs again. Those
/// holds are short (a shard's records copied), the CPU a render or an evaluation takes is long, and measured at
/// 100,000 agents (bench/README.md, "Scale") the heartbeats' p99 was lower with renders, rules and the sweep all
/// lowered (75 ms) than with only the evaluation lowered and what takes the fleet's locks at the default priority
/// (205 ms).
public enum BackgroundWork {
    /// The nice value of background threads: under contention, such a thread gets about a tenth of the CPU a
    /// thread at 0 gets.
    public static let niceness: Int32 = 10

    /// Lowers the calling thread to the background priority (for good: an unprivileged thread cannot raise it
    /// again). Call it only on threads of one's own, never on a thread of a shared pool.
    public static func lowerCurrentThread() {
        #if os(Linux)
            // PRIO_PROCESS with 0 is the calling thread under Linux' NPTL, not the whole process.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }

    /// The calling thread's nice value.
    public static var currentNiceness: Int32 {
        #if os(Linux)
            getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
            0
        #endif
    }

    /// Calls `body` with every index in `0..<iterations`, on up to `width` threads at once: the calling thread and
    /// threads started for the call, which inherit its priority (unlike `DispatchQueue.concurrentPerform`, whose
    /// pool threads run at the default one). Returns when every call has returned.
    public static func performInParallel(_ iterations: Int, width: Int, _ body: @Sendable (Int) -> Void) {
        let started = min(width, iterations) - 1
        guard started > 0 else {
            for index in 0..<iterations { body(index) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let work = ParallelIterations(count: iterations, body: body)
            var threads: [pthread_t] = []
            for _ in 0..<started {
                let argument = Unmanaged.passRetained(work).toOpaque()
                var thread = pthread_t()
                if pthread_create(&thread, nil, parallelIterationsMain, argument) == 0 {
                    threads.append(thread)
                } else {
                    Unmanaged<ParallelIterations>.fromOpaque(argument).release()
                }
            }
            work.run()
            for thread in threads { pthread_join(thread, nil) }
        }
    }

    /// How many threads parallel work uses: one per core.
    public static var width: Int {
        max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
    }
}

/// The indices of one ``BackgroundWork/performInParallel(_:width:_:)`` call, taken by its threads one at a time.
private final class ParallelIterations: Sendable {
    let count: Int
    let body: @Sendable (Int) -> Void
    private let next = Atomic<Int>(0)

    init(count: Int, body: @escaping @Sendable (Int) -> Void) {
        self.count = count
        self.body = body
    }

    func run() {
        while true {
            let index = next.add(1, ordering: .relaxed).oldValue
            guard index < count else { return }
            body(index)
        }
    }
}

#if os(Linux)
    private func parallelIterationsMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let argument else { return nil }
        Unmanaged<ParallelIterations>.fromOpaque(argument).takeRetainedValue().run()
        return nil
    }
#else
    private func parallelIterationsMain(_ argument: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        Unmanaged<ParallelIterations>.fromOpaque(argument).takeRetainedValue().run()
        return nil
    }
#endif

/// The name `top -H`, `ps -L` and `perf` show for a thread.
public enum ThreadName {
    /// Names the calling thread (the kernel keeps the first 15 bytes).
    public static func setCurrent(_ name: String) {
        #if os(Linux)
            guard let file = fopen("/proc/thread-self/comm", "w") else { return }
            fputs(String(name.utf8.prefix(15)) ?? name, file)
            fclose(file)
        #endif
    }
}
