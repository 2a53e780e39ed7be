import Foundation
import Model
import Synchronization

/// A background thread that runs `body` every `intervalSeconds` until stopped: the schedulers of the
/// maintenance work, of rule evaluation and of notifications. The work itself takes its time from the injected
/// clock, so tests run it by hand instead (``Exporter/runMaintenance()`` and its siblings).
final class PeriodicThread: Sendable {
    private let name: String
    private let intervalSeconds: Double
    /// Whether the thread runs at ``BackgroundWork``'s priority, below the HTTP threads'.
    private let background: Bool
    private let body: @Sendable () -> Void
    /// Set to ask the thread to finish; the thread clears `running` when it has.
    private let stopRequested = Atomic<Bool>(false)
    private let running = Atomic<Bool>(false)

    init(name: String, intervalSeconds: Double, background: Bool = false, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.intervalSeconds = intervalSeconds
        self.background = background
        self.body = body
    }

    func start() {
        running.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            ThreadName.setCurrent(name)
            if background { BackgroundWork.lowerCurrentThread() }
            while !stopRequested.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: intervalSeconds)
                body()
            }
            running.store(false, ordering: .releasing)
        }
        thread.name = name
        thread.start()
    }

    /// Asks the thread to stop and waits until its current round is done.
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        while running.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.01) }
    }
}
