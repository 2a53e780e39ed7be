import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM, SIGINT, SIGHUP and SIGQUIT caught for the `run` wrapper from before it reports the start, and passed on
/// to the command once it runs. A signal that arrives before the command exists is kept: the command is then not
/// started at all (``pendingSignal``), or, if it was being spawned at that moment, gets the signal as soon as its
/// process exists (``attach(_:)``). Either way the wrapper lives on to report the finish.
final class SignalForwarding {
    /// The signals passed on.
    static let forwarded = [SIGTERM, SIGINT, SIGHUP, SIGQUIT]

    /// The command's process once spawned, and a signal that came before; shared with the signal handlers.
    private final class Target: Sendable {
        private struct State {
            var child: pid_t = 0
            var pending: Int32?
        }

        private let state = Mutex(State())

        var pending: Int32? { state.withLock { $0.pending } }

        func attach(_ pid: pid_t) -> Int32? {
            state.withLock { state in
                state.child = pid
                return state.pending
            }
        }

        func received(_ number: Int32) {
            let child = state.withLock { state -> pid_t in
                if state.child == 0, state.pending == nil { state.pending = number }
                return state.child
            }
            if child > 0 { kill(child, number) }
        }
    }

    private let target = Target()
    private var sources: [any DispatchSourceSignal] = []

    private init() {}

    /// Starts catching the signals; call ``stop()`` when the run is over.
    static func start() -> SignalForwarding {
        let forwarding = SignalForwarding()
        let target = forwarding.target
        forwarding.sources = forwarded.map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { target.received(number) }
            source.resume()
            return source
        }
        return forwarding
    }

    /// The first signal received while no command ran yet, if any.
    var pendingSignal: Int32? { target.pending }

    /// From now on signals go to `pid`; one received before is sent to it at once.
    func attach(_ pid: pid_t) {
        if let pending = target.attach(pid), pid > 0 { kill(pid, pending) }
    }

    /// Stops catching the signals.
    func stop() {
        for source in sources { source.cancel() }
    }
}
