import Exposition
import Fleet
import Model
import RuleManager
import Synchronization

/// `heartbeat_exporter_agents_expected{agent_type}`: how many agents of each type the configuration expects
/// (`fleet.expected`, ``ExpectedFleet/minimumByType``), in `/metrics` and in the series the rules read, for
/// `FleetBelowExpected`. Replaced on each successful reload.
final class ExpectedAgentsMetric: MetricsSource, ExporterSeriesSource {
    static let name = "heartbeat_exporter_agents_expected"

    private let counts: Mutex<[(agentType: String, count: Int)]>

    init(_ fleet: ExpectedFleet) {
        counts = Mutex(Self.sorted(fleet))
    }

    /// Puts the counts of a reloaded configuration in force.
    func update(_ fleet: ExpectedFleet) {
        let fresh = Self.sorted(fleet)
        counts.withLock { $0 = fresh }
    }

    private static func sorted(_ fleet: ExpectedFleet) -> [(agentType: String, count: Int)] {
        fleet.minimumByType.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    func write(into writer: inout ExpositionWriter) {
        let counts = counts.withLock { $0 }
        guard !counts.isEmpty else { return }
        writer.family(
            Self.name, type: .gauge,
            help: "Agents of each type the configuration expects (fleet.expected): the minimum that should be healthy.")
        for entry in counts {
            writer.sample(
                Self.name, .empty, extraLabel: "agent_type", extraValue: entry.agentType, value: Double(entry.count))
        }
    }

    var series: [(labels: Labels, value: Double)] {
        counts.withLock { $0 }.map { entry in
            (Labels([Label(metricNameLabel, Self.name), Label("agent_type", entry.agentType)]), Double(entry.count))
        }
    }
}
