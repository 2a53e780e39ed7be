import Model
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Background work (rules, renders, the maintenance sweep) runs below the heartbeats' priority, and its parallel
/// parts stay there.
@Suite(.serialized)
struct BackgroundWorkTests {
    /// Runs `body` on a fresh thread, the only one a test may lower (a lowered thread cannot be raised again).
    static func onFreshThread(_ body: @escaping @Sendable () -> Void) {
        final class Box: Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let argument = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { argument in
                guard let argument else { return nil }
                Unmanaged<Box>.fromOpaque(argument).takeRetainedValue().body()
                return nil
            }, argument)
        #expect(created == 0)
        pthread_join(thread, nil)
    }

    @Test func everyIndexIsVisitedOnceAcrossTheThreads() {
        let visits = Mutex<[Int: Int]>([:])
        BackgroundWork.performInParallel(1_000, width: 4) { index in visits.withLock { $0[index, default: 0] += 1 } }
        let counted = visits.withLock { $0 }
        #expect(counted.count == 1_000)
        #expect(counted.values.allSatisfy { $0 == 1 })
    }

    @Test func noIterationsAndAWidthOfOneRunOnTheCaller() {
        let visits = Atomic<Int>(0)
        BackgroundWork.performInParallel(0, width: 4) { _ in visits.add(1, ordering: .relaxed) }
        BackgroundWork.performInParallel(3, width: 1) { _ in visits.add(1, ordering: .relaxed) }
        #expect(visits.load(ordering: .relaxed) == 3)
    }

    @Test func theThreadsOfALoweredThreadsParallelWorkInheritItsPriority() {
        let niceness = Mutex<[Int32]>([])
        let before = BackgroundWork.currentNiceness
        Self.onFreshThread {
            BackgroundWork.lowerCurrentThread()
            BackgroundWork.performInParallel(8, width: 4) { _ in
                let seen = BackgroundWork.currentNiceness
                niceness.withLock { $0.append(seen) }
                usleep(10_000)  // long enough that the started threads take some of the indices
            }
        }
        let seen = niceness.withLock { $0 }
        #expect(seen == Array(repeating: max(before, BackgroundWork.niceness), count: 8), "nice values seen: \(seen)")
        #expect(BackgroundWork.currentNiceness == before)
    }
}
