import Foundation
import Testing

/// Issue 13, item 3, measured: with 2,000 connections from one address trickling bytes, another client's
/// beats keep a p99 under 50 ms.
@Suite(.serialized) struct SlowClientsTests {
    /// The machine running the tests is shared and loaded, so the 400 beats are timed up to three times; a
    /// starved client (p99 in seconds, as without the per-client limit) fails every attempt.
    @Test func beatsFromAnotherClientStayFastWhileOneAddressTricklesOn2000Connections() throws {
        let exporter = try ExporterProcess()
        defer { exporter.terminate() }
        let baseline = TimedBeats.run(port: exporter.port, count: 100, spacing: 0.02)
        // The slow clients run in a process of their own (bench/slowclients/run.py --trickle): their sockets and
        // raised file-descriptor limit stay out of this process, where other tests start processes meanwhile.
        let slow = try TricklingProcess(port: exporter.port)
        Thread.sleep(forTimeInterval: 3)
        var attempts: [(p50: Double, p99: Double)] = []
        while attempts.count < 3, attempts.last.map({ $0.p99 >= 50 }) ?? true {
            let loaded = TimedBeats.run(port: exporter.port, count: 400, spacing: 0.025)
            attempts.append((TimedBeats.percentile(loaded, 0.5), TimedBeats.percentile(loaded, 0.99)))
        }
        let tally = try slow.stop()
        let summary =
            "alone p50 \(TimedBeats.percentile(baseline, 0.5)) ms p99 \(TimedBeats.percentile(baseline, 0.99)) ms; "
            + "with 2000 slow connections "
            + attempts.map { "p50 \($0.p50) ms p99 \($0.p99) ms" }.joined(separator: ", then ")
            + "; slow connections opened \(tally.opened), closed by the server \(tally.closedByServer)"
        print(summary)
        #expect(attempts.contains { $0.p99 < 50 }, "\(summary)")
        #expect(tally.closedByServer > 0, "the server closed none of the slow connections: \(summary)")
    }

    @Test func aConnectionTricklingItsRequestIsClosedAtTheReadTimeout() throws {
        let exporter = try ExporterProcess(arguments: ["--web.read-timeout", "2s", "--web.connection-timeout", "2"])
        defer { exporter.terminate() }
        let slow = try RawConnection(port: exporter.port)
        let clock = ContinuousClock()
        let start = clock.now
        var closed = false
        for byte in "POST /api/v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: \(String(repeating: "s", count: 60))"
        {
            slow.send(String(byte))
            if slow.readUntilClosed(timeout: 0.3).closed {
                closed = true
                break
            }
        }
        let seconds = (clock.now - start).components.seconds
        #expect(closed, "a byte every 0.3 s kept the connection open for \(seconds) s")
        #expect(seconds >= 1 && seconds <= 8)
    }
}
