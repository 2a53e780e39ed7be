import Foundation
import TestSupport
import Testing

/// Issue 13, item 3: with 2,000 connections from one address trickling bytes, another client's beats are still
/// served in milliseconds (bench/README.md measures the p99, under 50 ms on a quiet machine); a starved client waits
/// seconds. The bound here, 250 ms, tells the two apart while other suites load the same two cores.
@Suite(.serialized) struct SlowClientsTests {
    /// A p99 this long or longer: the client was starved.
    static let starvedMilliseconds = 250.0

    /// The machine running the tests is shared and loaded, so the 400 beats are timed up to three times; a
    /// starved client (p99 in seconds, as without the per-client limit) fails every attempt.
    @Test func beatsFromAnotherClientStayFastWhileOneAddressTricklesOn2000Connections() async throws {
        let exporter = try await ExporterProcess()
        defer { exporter.send(SIGTERM) }
        let baseline = await TimedBeats.run(port: exporter.port, count: 100, spacing: 0.02)
        // The slow clients run in a process of their own (bench/slowclients/run.py --trickle): their sockets and
        // raised file-descriptor limit stay out of this process, where other tests start processes meanwhile.
        let slow = try await TricklingProcess(port: exporter.port)
        try await Task.sleep(for: .seconds(3))
        var attempts: [(p50: Double, p99: Double)] = []
        // Up to five tries: on a shared 2-core machine other suites' exporters compete for the same cores.
        while attempts.count < 5, attempts.last.map({ $0.p99 >= Self.starvedMilliseconds }) ?? true {
            let loaded = await TimedBeats.run(port: exporter.port, count: 400, spacing: 0.025)
            attempts.append((TimedBeats.percentile(loaded, 0.5), TimedBeats.percentile(loaded, 0.99)))
        }
        let tally = try await slow.stop()
        let summary =
            "alone p50 \(TimedBeats.percentile(baseline, 0.5)) ms p99 \(TimedBeats.percentile(baseline, 0.99)) ms; "
            + "with 2000 slow connections "
            + attempts.map { "p50 \($0.p50) ms p99 \($0.p99) ms" }.joined(separator: ", then ")
            + "; slow connections opened \(tally.opened), closed by the server \(tally.closedByServer)"
        print(summary)
        #expect(attempts.contains { $0.p99 < Self.starvedMilliseconds }, "\(summary)")
        #expect(tally.closedByServer > 0, "the server closed none of the slow connections: \(summary)")
    }

    @Test func aConnectionTricklingItsRequestIsClosedAtTheReadTimeout() async throws {
        let exporter = try await ExporterProcess(arguments: [
            "--web.read-timeout", "2s", "--web.connection-timeout", "2",
        ])
        defer { exporter.send(SIGTERM) }
        let slow = try RawConnection(port: exporter.port)
        // The bytes go out every 0.3 s from a thread of their own: a test task resumed late on a busy pool would
        // leave gaps the connection timeout could close the connection in.
        let (closed, seconds) = await offPool("trickle") {
            let clock = ContinuousClock()
            let start = clock.now
            for byte
                in "POST /api/v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: \(String(repeating: "s", count: 60))"
            {
                slow.send(String(byte))
                if slow.readUntilClosedBlocking(timeout: 0.3).closed {
                    return (true, (clock.now - start).components.seconds)
                }
            }
            return (false, (clock.now - start).components.seconds)
        }
        #expect(closed, "a byte every 0.3 s kept the connection open for \(seconds) s")
        #expect(seconds >= 1 && seconds <= 8)
    }
}
