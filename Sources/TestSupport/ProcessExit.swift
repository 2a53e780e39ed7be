import Foundation

extension Process {
    /// Waits for the process to end and returns its exit status (or the signal that ended it), polling with
    /// `Task.sleep` so that the wait holds no thread.
    ///
    /// Foundation's `waitUntilExit()` on Linux spins at full CPU when it is called on another thread than the one
    /// that started the process: it runs that thread's empty run loop in a loop until the exit. A few tests
    /// stopping exporters that way took both cores of a CI machine. Foundation notices the exit on a thread of its
    /// own, so `isRunning` turns false without any run loop being run here.
    ///
    /// Code that starts and waits on one thread keeps `waitUntilExit()`: it does not spin there, and the run loop it
    /// runs is where Foundation releases the process and the files it was given (without it they stay open).
    @discardableResult
    public func exitStatus() async -> Int32 {
        while isRunning {
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                usleep(20_000)  // cancelled: keep waiting, without spinning
            }
        }
        return terminationStatus
    }

    /// `exitStatus()` for synchronous code on a thread of its own (`offPool`, `detachedOffPool`): sleeps between
    /// looks instead of spinning as `waitUntilExit()` does.
    @discardableResult
    public func waitForExit() -> Int32 {
        while isRunning { usleep(10_000) }
        return terminationStatus
    }
}
