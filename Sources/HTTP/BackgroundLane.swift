import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A serial queue on a thread of its own: the work handed to it runs one item at a time, in order. The thread
/// first runs a setup of the server's configuration (``HTTPServer/Configuration/apartThreadSetup``): the
/// exporter lowers its priority there, so that renders yield the CPU to libmicrohttpd's threads while they have
/// heartbeats to answer.
final class BackgroundLane: Sendable {
    private let setup: (@Sendable () -> Void)?
    private let queue = Mutex<(items: [@Sendable () -> Void], stopping: Bool)>(([], false))
    private let waiting = DispatchSemaphore(value: 0)
    private let thread = Mutex<pthread_t?>(nil)

    init(setup: (@Sendable () -> Void)?) {
        self.setup = setup
        let argument = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        if pthread_create(&handle, nil, backgroundLaneMain, argument) == 0 {
            thread.withLock { $0 = handle }
        } else {
            Unmanaged<BackgroundLane>.fromOpaque(argument).release()
        }
    }

    /// Runs `work` after the work handed over before it; on the calling thread when the lane's own could not be
    /// started.
    func async(_ work: @escaping @Sendable () -> Void) {
        guard thread.withLock({ $0 != nil }) else { return work() }
        queue.withLock { $0.items.append(work) }
        waiting.signal()
    }

    /// Lets the lane finish the work handed over, then ends its thread and waits for it.
    func stop() {
        guard
            let handle = thread.withLock({ handle in
                defer { handle = nil }; return handle
            })
        else { return }
        queue.withLock { $0.stopping = true }
        waiting.signal()
        pthread_join(handle, nil)
    }

    fileprivate func run() {
        setup?()
        while true {
            waiting.wait()
            let next = queue.withLock { queue -> (@Sendable () -> Void)? in
                queue.items.isEmpty ? nil : queue.items.removeFirst()
            }
            if let next {
                next()
            } else if queue.withLock({ $0.stopping && $0.items.isEmpty }) {
                return
            }
        }
    }
}

#if os(Linux)
    private func backgroundLaneMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let argument else { return nil }
        Unmanaged<BackgroundLane>.fromOpaque(argument).takeRetainedValue().run()
        return nil
    }
#else
    private func backgroundLaneMain(_ argument: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        Unmanaged<BackgroundLane>.fromOpaque(argument).takeRetainedValue().run()
        return nil
    }
#endif
