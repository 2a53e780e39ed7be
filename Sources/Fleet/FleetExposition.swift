import Dispatch
import Exposition
import Model

/// Writes the `agent_*` metric families of DESIGN §7 (``FleetFamilies``) for a snapshot of the fleet.
///
/// Families come in name order, and inside a family agents come in name order (the snapshot's order), so two
/// scrapes of the same fleet are byte-identical. A family no agent has a value for is left out.
public enum FleetExposition {
    /// Fleets smaller than this are rendered on one thread: below it, handing work to another costs more than it saves.
    public static let parallelThreshold = 2_000

    /// Writes every `agent_*` family for `agents` (sorted by name), judging health at `now`.
    /// - Parameters:
    ///   - options: the cardinality controls: labels dropped, task-duration histograms per agent or per type.
    ///   - histogramBounds: the buckets of the per-type histograms (those of per-agent ones are their own).
    ///   - threads: how many threads may render (families split between them, the output the same bytes); a fleet
    ///     below ``parallelThreshold`` uses one.
    /// - Returns: how many agents are in each state, as judged for the families written.
    @discardableResult
    public static func write(
        _ agents: [AgentRecord], at now: Timestamp, policy: HealthPolicy, options: ExpositionOptions = .standard,
        histogramBounds: [Double] = DurationHistogram.defaultUpperBounds, threads: Int = 1,
        into writer: inout ExpositionWriter
    ) -> [HealthState: Int] {
        guard !agents.isEmpty else { return [:] }
        let states = agents.map { $0.state(at: now, policy: policy) }
        // Borrow the records in place: iterating the array by value would copy (and retain) every record once
        // per family.
        agents.withUnsafeBufferPointer { agents in
            // Labels rendered once per agent, not once per family, when some are dropped.
            let labels = options.droppedLabels.isEmpty ? nil : agents.map { $0.exposedSeriesLabels(options) }
            let rendering = Rendering(
                agents: agents, states: states, labels: labels, options: options, histogramBounds: histogramBounds)
            let parts = split(
                FleetFamilies.all, into: agents.count >= parallelThreshold ? max(1, threads) : 1, rendering)
            guard parts.count > 1 else {
                for family in FleetFamilies.all { write(family, rendering, into: &writer) }
                return
            }
            let render = ParallelRender(rendering: rendering, parts: parts, into: &writer, agents: agents.count)
            BackgroundWork.performInParallel(parts.count, width: parts.count) { render.write(part: $0) }
            render.finish(into: &writer)
        }
        return states.reduce(into: [:]) { counts, state in counts[state, default: 0] += 1 }
    }

    /// One render split into parts written by several threads at once, each part into a writer of its own (the first
    /// one the caller's), appended in order at the end.
    ///
    /// `@unchecked Sendable`: the records are only read while the render lasts (the caller holds them), and the
    /// writer of part i is written only by the thread rendering part i, before ``finish(into:)``.
    private final class ParallelRender: @unchecked Sendable {
        let rendering: Rendering
        let parts: [[FleetFamily]]
        let writers: UnsafeMutableBufferPointer<ExpositionWriter>

        /// Takes `writer` over for the first part; the other parts get writers sized alike.
        init(rendering: Rendering, parts: [[FleetFamily]], into writer: inout ExpositionWriter, agents: Int) {
            self.rendering = rendering
            self.parts = parts
            writers = .allocate(capacity: parts.count)
            let format = writer.format
            writers.initializeElement(at: 0, to: writer)
            writer = ExpositionWriter(format: format, capacity: 0)  // the buffer stays uniquely the first part's
            for index in 1..<parts.count {
                writers.initializeElement(
                    at: index, to: ExpositionWriter(format: format, capacity: 256 + agents * 3_000 / parts.count))
            }
        }

        deinit {
            writers.deinitialize()
            writers.deallocate()
        }

        /// Writes part `index`'s families; called once per part, each from its own thread.
        func write(part index: Int) {
            for family in parts[index] { FleetExposition.write(family, rendering, into: &writers[index]) }
        }

        /// Hands the first part's writer back with the other parts appended in order.
        func finish(into writer: inout ExpositionWriter) {
            swap(&writer, &writers[0])
            for index in 1..<parts.count { writer.append(&writers[index]) }
        }
    }

    /// One render's agents, their states and how their series are labelled.
    private struct Rendering {
        let agents: UnsafeBufferPointer<AgentRecord>
        let states: [HealthState]
        /// The agents' series labels when some are dropped; nil: each record's own.
        let labels: [RenderedLabels]?
        let options: ExpositionOptions
        let histogramBounds: [Double]

        func seriesLabels(_ index: Int) -> RenderedLabels { labels?[index] ?? agents[index].seriesLabels }
    }

    /// `families` in at most `count` consecutive runs of about the same number of series each.
    private static func split(_ families: [FleetFamily], into count: Int, _ rendering: Rendering) -> [[FleetFamily]] {
        guard count > 1 else { return [families] }
        let weights = families.map { seriesPerAgent($0, rendering) }
        let total = weights.reduce(0, +)
        var parts: [[FleetFamily]] = [[]]
        var sum = 0
        for (family, weight) in zip(families, weights) {
            // A new part once this one holds its share (the last part takes the rest).
            if parts.count < count, sum >= total * parts.count / count, !(parts.last?.isEmpty ?? true) {
                parts.append([])
            }
            parts[parts.count - 1].append(family)
            sum += weight
        }
        return parts
    }

    /// About how many series `family` writes per agent (0 for the families of the fleet as a whole).
    private static func seriesPerAgent(_ family: FleetFamily, _ rendering: Rendering) -> Int {
        switch family.kind {
        case .perAgent, .info: 1
        case .perLabelValue(_, let values): values.count
        case .taskDurations where rendering.options.perAgentHistograms: rendering.histogramBounds.count + 3
        case .taskDurations: 0
        }
    }

    private static func write(_ family: FleetFamily, _ rendering: Rendering, into writer: inout ExpositionWriter) {
        let agents = rendering.agents, states = rendering.states
        // The readers take each record's address (``AgentValue``); the render holds the records for its whole length.
        guard let base = agents.baseAddress else { return }
        switch family.kind {
        case .perAgent(let read):
            var started = false
            for index in agents.indices {
                guard let value = read(base + index, states[index]) else { continue }
                if !started {
                    writer.family(family.name, type: family.type, help: family.help)
                    started = true
                }
                writer.sample(family.name, rendering.seriesLabels(index), value: value)
            }
        case .perLabelValue(let label, let values):
            writer.family(family.name, type: family.type, help: family.help)
            for index in agents.indices {
                for (labelValue, read) in values {
                    writer.sample(
                        family.name, rendering.seriesLabels(index), extraLabel: label, extraValue: labelValue,
                        value: read(base + index, states[index]))
                }
            }
        case .info:
            writer.family(family.name, type: family.type, help: family.help)
            for index in agents.indices {
                writer.sample(family.name, agents[index].exposedInfoLabels(rendering.options), value: 1)
            }
        case .taskDurations where rendering.options.perAgentHistograms:
            writer.family(family.name, type: family.type, help: family.help)
            for index in agents.indices {
                let histogram = agents[index].taskDurations
                writer.histogram(
                    family.name, rendering.seriesLabels(index), upperBounds: histogram.upperBounds,
                    cumulativeCounts: histogram.cumulativeCounts, sum: histogram.sum, count: histogram.count)
            }
        case .taskDurations:
            writer.family(family.name, type: family.type, help: ExpositionOptions.typeHistogramHelp)
            let byType = !rendering.options.droppedLabels.contains("agent_type")
            for (agentType, histogram) in TypeHistograms.aggregate(
                agents, bounds: rendering.histogramBounds, byType: byType)
            {
                writer.histogram(
                    family.name, agentType.map { RenderedLabels([("agent_type", $0)]) } ?? .empty,
                    upperBounds: histogram.upperBounds, cumulativeCounts: histogram.cumulativeCounts,
                    sum: histogram.sum, count: histogram.count)
            }
        }
    }
}
