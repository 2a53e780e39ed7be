import Synchronization
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A POSIX thread that calls a function at a fixed interval until stopped (this module does without
/// Foundation's `Thread`).
final class TickerThread: Sendable {
    private let intervalMicroseconds: UInt32
    private let stopRequested = Atomic<Bool>(false)
    /// The running thread, joined by ``stop()``.
    private let handle = Mutex<pthread_t?>(nil)

    init(intervalMicroseconds: UInt32) {
        self.intervalMicroseconds = intervalMicroseconds
    }

    /// Starts calling `tick` every interval; does nothing when already started.
    func start(_ tick: @escaping @Sendable () -> Void) {
        handle.withLock { handle in
            guard handle == nil else { return }
            let loop = TickerLoop(interval: intervalMicroseconds, owner: self, tick: tick)
            let argument = Unmanaged.passRetained(loop).toOpaque()
            var thread = pthread_t()
            guard pthread_create(&thread, nil, tickerThreadMain, argument) == 0 else {
                Unmanaged<TickerLoop>.fromOpaque(argument).release()
                return
            }
            handle = thread
        }
    }

    /// Asks the thread to stop and waits for it to finish its current tick.
    func stop() {
        guard
            let thread = handle.withLock({ handle in
                defer { handle = nil }; return handle
            })
        else { return }
        stopRequested.store(true, ordering: .releasing)
        pthread_join(thread, nil)
    }

    fileprivate var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }
}

/// What the thread runs: sleeps in steps of at most 50 ms so that a stop is noticed quickly.
private final class TickerLoop: Sendable {
    let interval: UInt32
    let owner: TickerThread
    let tick: @Sendable () -> Void

    init(interval: UInt32, owner: TickerThread, tick: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.owner = owner
        self.tick = tick
    }

    func run() {
        while !owner.isStopRequested {
            var slept: UInt32 = 0
            while slept < interval, !owner.isStopRequested {
                let step = min(50_000, interval - slept)
                usleep(step)
                slept += step
            }
            if !owner.isStopRequested { tick() }
        }
    }
}

#if canImport(Glibc)
    private func tickerThreadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let argument else { return nil }
        Unmanaged<TickerLoop>.fromOpaque(argument).takeRetainedValue().run()
        return nil
    }
#else
    private func tickerThreadMain(_ argument: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        Unmanaged<TickerLoop>.fromOpaque(argument).takeRetainedValue().run()
        return nil
    }
#endif
