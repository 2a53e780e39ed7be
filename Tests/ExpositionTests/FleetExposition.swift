import Exposition
import Model

/// Writes the exposition that the golden files `fleet.prom` and `fleet.om.txt` hold.
func writeFleetExposition(format: ExpositionFormat) -> [UInt8] {
    var writer = ExpositionWriter(format: format, capacity: 256)
    let orderProcessor = RenderedLabels([("agent", "order-processor")])

    writer.family("agent_heartbeats_total", type: .counter, help: "Heartbeats received from the agent.")
    writer.sample(
        "agent_heartbeats_total", RenderedLabels([("agent", "order-processor"), ("agent_type", "worker")]), value: 42)
    writer.sample(
        "agent_heartbeats_total", RenderedLabels([("agent", "quote\"back\\slash"), ("agent_type", "line\nbreak")]),
        value: 1)
    writer.sample(
        "agent_heartbeats_total", RenderedLabels([("agent", "ünïcödé-😀"), ("agent_type", "worker")]), value: 1e6)

    writer.family("agent_health", type: .gauge, help: "Current health state, one-hot over the five states.")
    writer.sample("agent_health", orderProcessor, extraLabel: "state", extraValue: "healthy", value: 1)
    writer.sample("agent_health", orderProcessor, extraLabel: "state", extraValue: "killed", value: 0)
    writer.sample("agent_health", .empty, extraLabel: "state", extraValue: "a\\b\"c\nd", value: 0)

    writer.family(
        "agent_task_progress_ratio", type: .gauge, help: "Progress of the \"current\" task, see C:\\tasks\nsecond line."
    )
    writer.sample("agent_task_progress_ratio", orderProcessor, value: 0.4)
    for (agent, value) in [("b", -2.5), ("c", .nan), ("d", .infinity), ("e", 0.000015)] {
        writer.sample("agent_task_progress_ratio", RenderedLabels([("agent", agent)]), value: value)
    }

    writer.family(
        "heartbeat_exporter_last_evaluation_timestamp_seconds", type: .gauge, help: "When rules were last evaluated.")
    writer.sample(
        "heartbeat_exporter_last_evaluation_timestamp_seconds", .empty,
        time: Timestamp(milliseconds: 1_764_115_200_123))

    writer.family("legacy_value", type: .untyped, help: "A value of no declared type.")
    writer.sample("legacy_value", .empty, value: 123_456)

    let bounds = [0.005, 0.01, 0.1, 1, 10, 100_000, 1e6]
    writer.family("agent_task_duration_seconds", type: .histogram, help: "How long tasks took.")
    writer.histogram(
        "agent_task_duration_seconds", orderProcessor, upperBounds: bounds,
        cumulativeCounts: [0, 1, 3, 5, 6, 7, 7], sum: 12.345, count: 8)
    writer.histogram(
        "agent_task_duration_seconds", .empty, upperBounds: bounds + [.infinity],
        cumulativeCounts: [0, 0, 0, 0, 0, 0, 0, 0], sum: 0, count: 0)
    return writer.finish()
}
