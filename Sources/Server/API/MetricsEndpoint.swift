import Exposition
import Foundation
import Fleet
import HTTP
import Model
import Synchronization

/// `GET /metrics`: the fleet's series, the exporter's own, and the `process_*` metrics.
///
/// The fleet is copied shard by shard and rendered outside every lock, so a scrape never holds up ingestion.
/// Scrapes that arrive while one renders wait for the next render and share it (``SharedRender``).
struct MetricsEndpoint: Sendable {
    let registry: AgentRegistry
    let selfMetrics: SelfMetrics
    let clock: any WallClock
    let shared = SharedRender<ResponseKind>()
    /// The size of the last render, so the next one's buffer is allocated once, at about its size: a buffer that
    /// grows by doubling copies the whole exposition (30 MB at 10,000 agents) and touches twice the pages.
    private let lastSize = RenderSize()

    /// What a response depends on besides the fleet: its format and whether it is compressed.
    struct ResponseKind: Hashable, Sendable {
        var format: ExpositionFormat
        var gzip: Bool
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let kind = ResponseKind(
            format: ExpositionFormat.negotiate(accept: request.headers["Accept"]),
            gzip: Gzip.accepts(request.headers["Accept-Encoding"]))
        return shared.response(kind, arrivedAt: request.receivedAt) { respond(kind) }
    }

    private func respond(_ kind: ResponseKind) -> HTTPResponse {
        let body = render(format: kind.format)
        var headers = [("Content-Type", kind.format.contentType)]
        // Level 1: a third of level 6's CPU on large expositions, for output only modestly larger.
        if kind.gzip, let compressed = Gzip.compress(body, level: 1) {
            headers.append(("Content-Encoding", "gzip"))
            headers.append(("Vary", "Accept-Encoding"))
            return HTTPResponse(status: 200, headers: headers, body: compressed)
        }
        return HTTPResponse(status: 200, headers: headers, body: body)
    }

    /// How many threads render a large fleet's families: one per core, at most four.
    static let renderThreads = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// The whole exposition in `format`.
    func render(format: ExpositionFormat) -> [UInt8] {
        let now = clock.now()
        let configuration = registry.currentConfiguration
        let agents = registry.snapshot()
        var writer = ExpositionWriter(format: format, capacity: lastSize.capacity(agents: agents.count))
        let counts = FleetExposition.write(
            agents, at: now, policy: configuration.policy, options: configuration.exposition,
            histogramBounds: configuration.taskDurationBounds, threads: Self.renderThreads, into: &writer)
        writeAgentCounts(counts, into: &writer)
        selfMetrics.write(into: &writer)
        let body = writer.finish()
        lastSize.record(bytes: body.count, agents: agents.count)
        return body
    }

    private func writeAgentCounts(_ counts: [HealthState: Int], into writer: inout ExpositionWriter) {
        writer.family("heartbeat_exporter_agents", type: .gauge, help: "Agents known, by health state.")
        for state in HealthState.allCases.sorted(by: { $0.rawValue < $1.rawValue }) {
            writer.sample(
                "heartbeat_exporter_agents", .empty, extraLabel: "state", extraValue: state.rawValue,
                value: Double(counts[state] ?? 0))
        }
    }
}

/// The bytes per agent of the last `/metrics` render, to size the next render's buffer.
final class RenderSize: Sendable {
    private let bytesPerAgent = Atomic<Int>(3_000)

    /// A buffer size for a fleet of `agents`: the last render's bytes per agent, with 5 % to spare.
    func capacity(agents: Int) -> Int {
        4_096 + agents * bytesPerAgent.load(ordering: .relaxed) * 105 / 100
    }

    /// Remembers a render's size.
    func record(bytes: Int, agents: Int) {
        guard agents > 0 else { return }
        bytesPerAgent.store(bytes / agents, ordering: .relaxed)
    }
}
