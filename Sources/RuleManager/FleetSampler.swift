import Exposition
import Fleet
import Model
import PromQL
import Series
import Synchronization

/// Turns snapshots of the fleet into the samples the rule engine reads: the same series `/metrics` exposes
/// (from ``FleetFamilies``), recorded into a ``SampleHistory``.
///
/// The history's ids of each agent's series are kept from one snapshot to the next, so that in the steady state
/// no label set is built or hashed: only a new agent, one whose type, host, own labels or histogram bounds
/// changed, or a series the history dropped meanwhile has its labels built again.
final class FleetSampler: Sendable {
    /// Every series name the fleet can produce, histogram series included.
    static let seriesNames: Set<String> = Set(
        FleetFamilies.all.flatMap { FamilyPlan($0, names: nil)?.seriesNames ?? [] })

    /// One family to sample, and which of its series.
    struct FamilyPlan {
        let family: FleetFamily
        /// For a histogram: the names of its `_bucket`, `_sum` and `_count` series, nil when not wanted.
        var bucketName, sumName, countName: String?

        /// The plan for `family` restricted to `names` (all when nil); nil when none of its series is wanted.
        init?(_ family: FleetFamily, names: Set<String>?) {
            self.family = family
            guard case .taskDurations = family.kind else {
                if let names, !names.contains(family.name) { return nil }
                return
            }
            let wanted = { (suffix: String) in names.map { $0.contains(family.name + suffix) } ?? true }
            bucketName = wanted("_bucket") ? family.name + "_bucket" : nil
            sumName = wanted("_sum") ? family.name + "_sum" : nil
            countName = wanted("_count") ? family.name + "_count" : nil
            if bucketName == nil, sumName == nil, countName == nil { return nil }
        }

        var seriesNames: [String] {
            guard case .taskDurations = family.kind else { return [family.name] }
            return [bucketName, sumName, countName].compactMap { $0 }
        }
    }

    /// What distinguishes one series of an agent from the others, without building its labels.
    enum SeriesShape {
        case plain(name: String)
        case labelled(name: String, label: String, value: String)
        case info(name: String)
        /// A histogram bucket; a nil bound is `+Inf`.
        case bucket(name: String, bound: Double?)
    }

    /// One agent's series ids, in the order ``forEachSeries(of:state:plan:_:)`` visits its series.
    struct AgentSeries {
        let name: String
        /// What the agent's labels were built from.
        let agentType: String?
        let host: String?
        let labels: [(name: String, value: String)]
        let bounds: [Double]
        var ids: [SeriesID] = []

        init(_ agent: AgentRecord) {
            name = agent.name
            agentType = agent.agentType
            host = agent.host
            labels = agent.labels
            bounds = agent.taskDurations.upperBounds
        }

        /// Whether `agent`'s series still have the labels these ids were resolved from.
        func describes(_ agent: AgentRecord) -> Bool {
            name == agent.name && agentType == agent.agentType && host == agent.host
                && bounds == agent.taskDurations.upperBounds
                && labels.elementsEqual(agent.labels) { $0.name == $1.name && $0.value == $1.value }
        }
    }

    struct Cache {
        var names: Set<String> = []
        var options = ExpositionOptions.standard
        var plan: [FamilyPlan] = []
        /// The task-duration histogram per agent type, when per-agent histograms are off and the rules read it.
        var typePlan: FamilyPlan?
        /// The agents of the last snapshot, in its order (by name).
        var agents: [AgentSeries] = []
        /// How many samples the last snapshot had, to size the next one.
        var lastCount = 0
    }

    /// Protects the plan and the agents' series ids.
    private let cache = Mutex(Cache())

    init() {}

    /// Records the series of `agents` judged at `now`, restricted to `names`, into `history`, as `/metrics`
    /// exposes them under `options` (per-type histograms on `histogramBounds`).
    func sample(
        _ agents: [AgentRecord], at now: Timestamp, policy: HealthPolicy, names: Set<String>,
        options: ExpositionOptions = .standard, histogramBounds: [Double] = DurationHistogram.defaultUpperBounds,
        into history: SampleHistory
    ) {
        cache.withLock { cache in
            if cache.names != names || cache.options != options { cache = Self.plan(names: names, options: options) }
            var entries = Self.match(agents, to: cache.agents)
            // Built afresh each time rather than kept: between evaluations the memory goes back to the system.
            var snapshot = SeriesSnapshot(capacity: cache.lastCount)
            var origins: [(agent: Int32, series: Int32)] = []
            origins.reserveCapacity(cache.lastCount)
            Self.collect(
                agents, entries, at: now, policy: policy, plan: cache.plan,
                into: &snapshot, origins: &origins)
            let typeSeries = cache.typePlan.map { plan in
                Self.typeHistogramSeries(agents, plan: plan, options: options, bounds: histogramBounds)
            }
            for (index, series) in (typeSeries ?? []).enumerated() {
                snapshot.append(.unresolved, series.value)
                origins.append((Int32(agents.count), Int32(index)))
            }
            var built: [Int: [Labels]] = [:]
            history.record(&snapshot, at: now) { [plan = cache.plan] index in
                let origin = origins[index]
                let agent = Int(origin.agent)
                guard agent < agents.count else { return typeSeries?[Int(origin.series)].labels ?? .empty }
                let labels = built[agent] ?? Self.seriesLabels(of: agents[agent], plan: plan, options: options)
                built[agent] = labels
                return labels[Int(origin.series)]
            }
            if snapshot.resolvedCount > 0 { Self.keep(snapshot.ids, origins: origins, in: &entries) }
            cache.agents = entries
            cache.lastCount = snapshot.count
        }
    }

    /// A fresh cache for the series `names` under `options`.
    static func plan(names: Set<String>, options: ExpositionOptions) -> Cache {
        var cache = Cache(names: names, options: options)
        for family in FleetFamilies.all {
            guard let plan = FamilyPlan(family, names: names) else { continue }
            if case .taskDurations = family.kind, !options.perAgentHistograms {
                cache.typePlan = plan
            } else {
                cache.plan.append(plan)
            }
        }
        return cache
    }

    /// The series of the per-type task-duration histograms `plan` asks for, with their labels.
    static func typeHistogramSeries(
        _ agents: [AgentRecord], plan: FamilyPlan, options: ExpositionOptions, bounds: [Double]
    ) -> [(labels: Labels, value: Double)] {
        let byType = !options.droppedLabels.contains("agent_type")
        let histograms = agents.withUnsafeBufferPointer { agents in
            TypeHistograms.aggregate(agents, bounds: bounds, byType: byType)
        }
        var series: [(labels: Labels, value: Double)] = []
        for (agentType, histogram) in histograms {
            let base = agentType.map { [Label("agent_type", $0)] } ?? []
            visitHistogram(histogram, plan) { shape, value in
                guard let value else { return }
                switch shape {
                case .bucket(let name, let bound):
                    let le = Label("le", bound.map(GoFloat.prometheusText) ?? "+Inf")
                    series.append((Labels(base + [le, Label(metricNameLabel, name)]), value))
                case .plain(let name), .info(let name), .labelled(let name, _, _):
                    series.append((Labels(base + [Label(metricNameLabel, name)]), value))
                }
            }
        }
        return series
    }

    /// The cached series of each agent, in the order of `agents`; fresh (unresolved) for new or changed agents.
    /// Both lists are sorted by name, so one merge walk pairs them up without hashing.
    static func match(_ agents: [AgentRecord], to previous: [AgentSeries]) -> [AgentSeries] {
        var matched: [AgentSeries] = []
        matched.reserveCapacity(agents.count)
        var cursor = 0
        for agent in agents {
            while cursor < previous.count, previous[cursor].name < agent.name { cursor += 1 }
            if cursor < previous.count, previous[cursor].describes(agent) {
                matched.append(previous[cursor])
            } else {
                matched.append(AgentSeries(agent))
            }
        }
        return matched
    }

    /// Appends every present series of `agents` to `snapshot`, with where it came from to `origins`.
    private static func collect(
        _ agents: [AgentRecord], _ entries: [AgentSeries], at now: Timestamp, policy: HealthPolicy, plan: [FamilyPlan],
        into snapshot: inout SeriesSnapshot, origins: inout [(agent: Int32, series: Int32)]
    ) {
        agents.withUnsafeBufferPointer { agents in
            guard let base = agents.baseAddress else { return }
            for index in agents.indices {
                let ids = entries[index].ids
                var series = 0
                let state = agents[index].state(at: now, policy: policy)
                forEachSeries(of: base + index, state: state, plan: plan) { _, value in
                    defer { series += 1 }
                    guard let value else { return }
                    snapshot.append(series < ids.count ? ids[series] : .unresolved, value)
                    origins.append((Int32(index), Int32(series)))
                }
            }
        }
    }

    /// Keeps the ids the history resolved, for the next snapshot.
    private static func keep(
        _ ids: [SeriesID], origins: [(agent: Int32, series: Int32)], in entries: inout [AgentSeries]
    ) {
        for (id, origin) in zip(ids, origins) {
            let (agent, series) = (Int(origin.agent), Int(origin.series))
            guard agent < entries.count else { continue }  // a per-type histogram's series: resolved each time
            if entries[agent].ids.count <= series {
                entries[agent].ids += Array(repeating: .unresolved, count: series + 1 - entries[agent].ids.count)
            }
            entries[agent].ids[series] = id
        }
    }

    /// Visits each series `plan` asks for of `agent`, in a fixed order, with its value (nil: absent this time).
    static func forEachSeries(
        of agent: UnsafePointer<AgentRecord>, state: HealthState, plan: [FamilyPlan],
        _ visit: (SeriesShape, Double?) -> Void
    ) {
        for entry in plan {
            let name = entry.family.name
            switch entry.family.kind {
            case .perAgent(let read):
                visit(.plain(name: name), read(agent, state))
            case .perLabelValue(let label, let values):
                for (value, read) in values {
                    visit(.labelled(name: name, label: label, value: value), read(agent, state))
                }
            case .info:
                visit(.info(name: name), 1)
            case .taskDurations:
                visitHistogram(agent.pointee.taskDurations, entry, visit)
            }
        }
    }

    private static func visitHistogram(
        _ histogram: DurationHistogram, _ entry: FamilyPlan, _ visit: (SeriesShape, Double?) -> Void
    ) {
        if let bucketName = entry.bucketName {
            var cumulative: UInt64 = 0
            for (index, count) in histogram.bucketCounts.enumerated() {
                cumulative += count
                let bound = index < histogram.upperBounds.count ? histogram.upperBounds[index] : nil
                visit(.bucket(name: bucketName, bound: bound), Double(cumulative))
            }
        }
        if let sumName = entry.sumName { visit(.plain(name: sumName), histogram.sum) }
        if let countName = entry.countName { visit(.plain(name: countName), Double(histogram.count)) }
    }

    /// The labels of every series of `agent` under `options`, in the order of
    /// ``forEachSeries(of:state:plan:_:)``.
    static func seriesLabels(of agent: AgentRecord, plan: [FamilyPlan], options: ExpositionOptions = .standard)
        -> [Labels]
    {
        let base = agent.exposedLabelPairs(info: false, options).map { Label($0.name, $0.value) }
        var all: [Labels] = []
        let info = agent.exposedLabelPairs(info: true, options).map { Label($0.name, $0.value) }
        withUnsafePointer(to: agent) { agent in
            forEachSeries(of: agent, state: .healthy, plan: plan) { shape, _ in
                let (name, labels): (String, [Label]) =
                    switch shape {
                    case .plain(let name): (name, base)
                    case .labelled(let name, let label, let value): (name, base + [Label(label, value)])
                    case .info(let name): (name, info)
                    case .bucket(let name, let bound):
                        (name, base + [Label("le", bound.map(GoFloat.prometheusText) ?? "+Inf")])
                    }
                all.append(Labels(labels + [Label(metricNameLabel, name)]))
            }
        }
        return all
    }
}
