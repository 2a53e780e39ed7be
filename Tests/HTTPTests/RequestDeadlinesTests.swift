import Testing

@testable import HTTP

struct RequestDeadlinesTests {
    private let start = ContinuousClock.now
    private func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int(seconds * 1000)) }

    @Test func aRequestNotReadWithinTheReadTimeoutOfTheConnectionIsOverdue() {
        var deadlines = RequestDeadlines(readTimeout: .seconds(10), idleTimeout: .seconds(30))
        deadlines.opened(1, socket: 7, at: at(0))
        #expect(deadlines.expire(at: at(9.9)) == [])
        #expect(deadlines.expire(at: at(10)) == [7])
        #expect(deadlines.expire(at: at(11)) == [], "each socket is reported once")
    }

    @Test func aRequestReadInTimeIsNotCutWhileItIsHandledOrAnswered() {
        var deadlines = RequestDeadlines(readTimeout: .seconds(10), idleTimeout: .seconds(30))
        deadlines.opened(1, socket: 7, at: at(0))
        deadlines.received(1)
        #expect(deadlines.expire(at: at(600)) == [])
    }

    @Test func aKeptAliveConnectionMayIdleAndThenReadItsNextRequest() {
        var deadlines = RequestDeadlines(readTimeout: .seconds(10), idleTimeout: .seconds(30))
        deadlines.opened(1, socket: 7, at: at(0))
        deadlines.received(1)
        deadlines.answered(1, at: at(2))
        #expect(deadlines.expire(at: at(41.9)) == [])
        #expect(deadlines.expire(at: at(42)) == [7])
    }

    @Test func onlyTheOverdueConnectionsAreReportedAndClosedOnesAreForgotten() {
        var deadlines = RequestDeadlines(readTimeout: .seconds(10), idleTimeout: .seconds(30))
        deadlines.opened(1, socket: 7, at: at(0))
        deadlines.opened(2, socket: 8, at: at(5))
        deadlines.opened(3, socket: 9, at: at(0))
        deadlines.closed(3)
        #expect(deadlines.count == 2)
        #expect(deadlines.expire(at: at(12)) == [7])
        #expect(deadlines.expire(at: at(15)) == [8])
    }
}
