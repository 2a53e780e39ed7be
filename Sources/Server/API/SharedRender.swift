import Dispatch
import HTTP
import Synchronization

/// One `/metrics` render shared by the scrapes that wait for it, so scrapes arriving faster than a large fleet
/// renders (Prometheus retrying after its scrape timeout, several Prometheus servers) cost one render, not one each
/// queued behind the other.
///
/// A scrape is answered with a render that began after the scrape arrived, so it is never older than the scrape:
/// the one just finished when there is one, else the next, which scrapes arriving meanwhile wait for and share
/// rather than render again. A response is kept for ``keptFor`` after its render, for the scrapes already queued
/// behind it, then dropped: a large fleet's exposition does not stay in memory between scrapes.
final class SharedRender<Key: Hashable & Sendable>: Sendable {
    private struct Rendered: Sendable {
        var started: ContinuousClock.Instant
        var response: HTTPResponse
    }

    private let latest = Mutex<[Key: Rendered]>([:])
    /// Held while rendering: one render at a time, so a scrape arriving meanwhile waits for the next and shares it.
    private let rendering = Mutex<Void>(())
    private let renders = Atomic<Int>(0)
    /// How long a response is kept after its render for scrapes that arrived before it began.
    let keptFor: Duration

    /// Creates the shared render of one endpoint; `keptFor` as ``keptFor``.
    init(keptFor: Duration = .seconds(1)) {
        self.keptFor = keptFor
    }

    /// How many responses are kept now.
    var keptCount: Int { latest.withLock { $0.count } }

    /// How many renders were run (each scrape that shared one does not count).
    var renderCount: Int { renders.load(ordering: .relaxed) }

    /// The response of a render of `key` that began after `arrival`: a finished one, or `render()` run now.
    func response(_ key: Key, arrivedAt arrival: ContinuousClock.Instant, render: () -> HTTPResponse) -> HTTPResponse {
        if let shared = fresh(key, since: arrival) { return shared }
        return rendering.withLock { _ in
            // A render may have begun after this scrape arrived and ended while it waited for the lock.
            if let shared = fresh(key, since: arrival) { return shared }
            let started = ContinuousClock.now
            let response = render()
            renders.add(1, ordering: .relaxed)
            latest.withLock { $0[key] = Rendered(started: started, response: response) }
            let seconds = Double(keptFor.components.seconds) + Double(keptFor.components.attoseconds) * 1e-18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [weak self] in
                self?.latest.withLock { latest in
                    if latest[key]?.started == started { latest[key] = nil }
                }
            }
            return response
        }
    }

    /// The kept response of `key` when its render began at or after `arrival`; drops it when it is older.
    private func fresh(_ key: Key, since arrival: ContinuousClock.Instant) -> HTTPResponse? {
        latest.withLock { latest in
            guard let rendered = latest[key] else { return nil }
            guard rendered.started >= arrival else {
                latest[key] = nil
                return nil
            }
            return rendered.response
        }
    }
}
