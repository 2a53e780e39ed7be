import Foundation
import HTTP
import Synchronization
import Testing

@testable import Server

/// Scrapes that arrive while `/metrics` renders share the next render instead of each queueing a render of its own,
/// and no scrape is answered with a render older than itself.
struct SharedRenderTests {
    static func response(_ text: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [], body: Array(text.utf8))
    }

    @Test func aScrapeGetsARenderThatBeganAfterItArrivedNeverAnOlderOne() {
        let shared = SharedRender<String>()
        let first = ContinuousClock.now
        #expect(shared.response("text", arrivedAt: first) { Self.response("one") }.body == Array("one".utf8))
        // Arrived before that render began: it is as fresh as this scrape needs, so it is shared.
        let earlier = first - .seconds(1)
        #expect(shared.response("text", arrivedAt: earlier) { Self.response("two") }.body == Array("one".utf8))
        #expect(shared.renderCount == 1)
        // Arrived after it: rendered again.
        let later = ContinuousClock.now + .milliseconds(1)
        #expect(shared.response("text", arrivedAt: later) { Self.response("three") }.body == Array("three".utf8))
        #expect(shared.renderCount == 2)
        // Another kind of response is its own render.
        #expect(shared.response("gzip", arrivedAt: earlier) { Self.response("four") }.body == Array("four".utf8))
        #expect(shared.renderCount == 3)
    }

    @Test func scrapesArrivingDuringARenderShareTheNextOneInsteadOfQueueingOneEach() {
        let shared = SharedRender<String>()
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let answered = Atomic<Int>(0)
        let group = DispatchGroup()
        // The first scrape renders and is held there until the others have arrived.
        DispatchQueue.global().async(group: group) {
            _ = shared.response("text", arrivedAt: .now) {
                started.signal()
                release.wait()
                return Self.response("slow")
            }
            answered.add(1, ordering: .relaxed)
        }
        started.wait()
        let arrivals = (0..<20).map { _ in ContinuousClock.now }
        for arrival in arrivals {
            DispatchQueue.global().async(group: group) {
                _ = shared.response("text", arrivedAt: arrival) { Self.response("next") }
                answered.add(1, ordering: .relaxed)
            }
        }
        release.signal()
        #expect(group.wait(timeout: .now() + 60) == .success, "every scrape is answered")
        #expect(answered.load(ordering: .relaxed) == 21)
        #expect(shared.renderCount == 2, "one render under way, then one for the 20 scrapes that waited for it")
    }

    /// A large fleet's exposition is tens of megabytes: it is dropped once the scrapes queued behind its render had
    /// their chance, not kept until the next scrape.
    @Test func aResponseIsDroppedSoonAfterItsRender() async throws {
        let shared = SharedRender<String>(keptFor: .milliseconds(50))
        let arrival = ContinuousClock.now
        _ = shared.response("text", arrivedAt: arrival) { Self.response("one") }
        #expect(shared.keptCount == 1)
        let deadline = ContinuousClock.now + .seconds(10)
        while shared.keptCount > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(shared.keptCount == 0)
        #expect(shared.response("text", arrivedAt: arrival) { Self.response("two") }.body == Array("two".utf8))
    }
}
