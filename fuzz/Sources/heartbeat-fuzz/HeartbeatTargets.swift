import Exposition
import Fleet
import JSON
import Model

extension FuzzTarget {
    /// `POST /api/v1/heartbeat`'s body: parsed, decoded by ``HeartbeatDecoder`` and applied to a registry, as
    /// HeartbeatAPI does (the refusal path names the agent when it can).
    static let heartbeat = FuzzTarget(name: "heartbeat") { bytes in
        guard let document = try? JSONParser.parse(bytes) else { return }
        let registry = AgentRegistry(configuration: .init(maxAgents: 8))
        ingest(document, path: "", into: registry)
        exposeFleet(registry)
    }

    /// `POST /api/v1/heartbeats`' body: an array of heartbeats, each decoded and applied in order.
    static let heartbeatBatch = FuzzTarget(name: "heartbeat-batch") { bytes in
        guard case .array(let items)? = try? JSONParser.parse(bytes) else { return }
        let registry = AgentRegistry(configuration: .init(maxAgents: 8))
        for (index, item) in items.prefix(1_000).enumerated() {
            ingest(item, path: "[\(index)]", into: registry)
        }
        exposeFleet(registry)
    }

    private static let decoder = HeartbeatDecoder()
    private static let start = Timestamp(seconds: 1_767_225_600)

    private static func ingest(_ document: JSONValue, path: String, into registry: AgentRegistry) {
        do {
            let beat = try decoder.decode(document, path: path)
            _ = try registry.ingest(beat, at: start)
        } catch {
            _ = String(describing: error)
            _ = decoder.readableAgentName(document)
        }
    }

    /// Renders what the registry now holds, as `GET /metrics` does.
    private static func exposeFleet(_ registry: AgentRegistry) {
        for format in [ExpositionFormat.prometheusText, .openMetrics] {
            var writer = ExpositionWriter(format: format)
            FleetExposition.write(
                registry.snapshot(), at: start, policy: registry.currentConfiguration.policy, into: &writer)
            _ = writer.finish()
        }
    }
}
