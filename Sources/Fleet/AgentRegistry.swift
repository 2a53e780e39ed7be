import Synchronization

/// The live registry of the fleet: every known agent, its counters and its health.
///
/// Agents are spread over independently locked shards, so heartbeats of different agents rarely contend and
/// a reader takes one shard at a time (never the whole fleet) to copy a snapshot.
public final class AgentRegistry: Sendable {
    /// Limits and policies the registry enforces.
    public struct Configuration: Sendable {
        public var maxAgents: Int = 10_000
        public var policy: HealthPolicy = .standard
        public var taskDurationBounds: [Double] = DurationHistogram.defaultUpperBounds
        /// How the fleet's series are exposed (and sampled for the rules): labels dropped, histograms per type.
        public var exposition = ExpositionOptions.standard
        /// The configuration's `dependencies:`: which agents depend on which, besides what beats declare.
        public var dependencyRules: [DependencyRule] = []

        public init(
            maxAgents: Int = 10_000, policy: HealthPolicy = .standard,
            taskDurationBounds: [Double] = DurationHistogram.defaultUpperBounds,
            exposition: ExpositionOptions = .standard, dependencyRules: [DependencyRule] = []
        ) {
            self.maxAgents = maxAgents
            self.policy = policy
            self.taskDurationBounds = taskDurationBounds
            self.exposition = exposition
            self.dependencyRules = dependencyRules
        }
    }

    static let shardCount = 32

    private let shards: [ShardBox]
    /// Agents in all shards; reserved before an insert so the limit holds under concurrency.
    private let agentCount = Atomic<Int>(0)
    /// The configuration; replaced as a whole on reload.
    private let configuration: Mutex<Configuration>
    /// Transitions made so far, per target state, for `heartbeat_exporter_state_transitions_total`.
    private let transitionCounts = Mutex<[HealthState: UInt64]>([:])

    /// Counts changes of the dependency graph: declarations, reconfigurations, agents restored or forgotten.
    let graphGeneration = Atomic<Int>(0)
    /// Protects the dependency edges a beat's declaration is checked against and the latest dependency map.
    let dependencies = Mutex(DependencyState())

    /// Agents forgotten by sweeps and not yet logged, and how many were forgotten since start, per reason.
    let forgetLog = Mutex(ForgetLog())

    public init(configuration: Configuration = Configuration()) {
        self.configuration = Mutex(configuration)
        self.shards = (0..<Self.shardCount).map { _ in ShardBox() }
    }

    /// The configuration in force.
    public var currentConfiguration: Configuration { configuration.withLock { $0 } }

    /// Replaces limits and thresholds (on reload); existing agents are judged by the new policy from now on.
    public func reconfigure(_ new: Configuration) {
        configuration.withLock { $0 = new }
        dependencyGraphChanged()
    }

    /// The number of agents known.
    public var count: Int { agentCount.load(ordering: .relaxed) }

    func shard(for name: String) -> ShardBox {
        var hasher = Hasher()
        hasher.combine(name)
        return shards[Int(UInt(bitPattern: hasher.finalize()) % UInt(Self.shardCount))]
    }

    /// Runs `body` on the shard that holds `name`, then counts the transitions it made.
    func withShard<T: Sendable>(
        of name: String, _ body: (inout Shard) throws(RegistryError) -> T
    ) throws(RegistryError) -> T {
        try locked(shard(for: name), body)
    }

    /// Runs `body` on shard number `index`.
    func withShard<T: Sendable>(
        atIndex index: Int, _ body: (inout Shard) throws(RegistryError) -> T
    ) throws(RegistryError) -> T {
        try locked(shards[index], body)
    }

    private func locked<T: Sendable>(
        _ box: ShardBox, _ body: (inout Shard) throws(RegistryError) -> T
    ) throws(RegistryError) -> T {
        let result: Result<T, RegistryError> = box.state.withLock { shard in
            let before = shard.pendingTransitions.count
            defer {
                // Drains and deletions shrink the list; only growth is new transitions.
                if shard.pendingTransitions.count > before { countTransitions(shard.pendingTransitions[before...]) }
            }
            do throws(RegistryError) { return .success(try body(&shard)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func countTransitions(_ transitions: ArraySlice<Transition>) {
        guard !transitions.isEmpty else { return }
        noteDependencyTransitions(transitions)
        transitionCounts.withLock { counts in
            for transition in transitions { counts[transition.to, default: 0] += 1 }
        }
    }

    /// Transitions made since start, per target state.
    public var transitionsByTargetState: [HealthState: UInt64] { transitionCounts.withLock { $0 } }

    /// Reserves room for one more agent, or says the limit is reached.
    func reserveAgentSlot() throws(RegistryError) {
        let limit = currentConfiguration.maxAgents
        let after = agentCount.wrappingAdd(1, ordering: .relaxed).newValue
        guard after <= limit else {
            agentCount.wrappingSubtract(1, ordering: .relaxed)
            throw .agentLimitReached(limit: limit)
        }
    }

    /// Counts an agent restored from storage, which is admitted whatever the limit.
    func agentCountIncrement() -> Int {
        agentCount.wrappingAdd(1, ordering: .relaxed).newValue
    }

    func releaseAgentSlot() {
        agentCount.wrappingSubtract(1, ordering: .relaxed)
    }

    /// One agent, as it is now.
    public func agent(named name: String) -> AgentRecord? {
        shard(for: name).state.withLock { $0.agents[name] }
    }

    /// A copy of every agent, sorted by name. Each shard is locked only while it is copied.
    public func snapshot() -> [AgentRecord] {
        // Each record is copied once, into a buffer of our own, then moved (not copied again) into name order:
        // copying a record retains every reference it holds, and a render starts with a snapshot of the fleet.
        var copies = UnsafeMutableBufferPointer<AgentRecord>.allocate(capacity: max(1, count))
        var copied = 0
        for shard in shards {
            shard.state.withLock { shard in
                if copied + shard.agents.count > copies.count {
                    let larger = UnsafeMutableBufferPointer<AgentRecord>.allocate(
                        capacity: max(copies.count * 2, copied + shard.agents.count))
                    _ = larger.moveInitialize(fromContentsOf: copies[..<copied])
                    copies.deallocate()
                    copies = larger
                }
                for record in shard.agents.values {
                    copies.initializeElement(at: copied, to: record)
                    copied += 1
                }
            }
        }
        defer { copies.deallocate() }  // every record was moved out below
        let order = (0..<copied).sorted { copies[$0].name < copies[$1].name }
        return [AgentRecord](unsafeUninitializedCapacity: copied) { sorted, initialized in
            for (position, index) in order.enumerated() {
                sorted.initializeElement(at: position, to: copies.moveElement(from: index))
            }
            initialized = copied
        }
    }
}

/// One shard's lock and contents (a class, since a `Mutex` cannot be copied into an array).
final class ShardBox: Sendable {
    /// Protects the shard's agents and its changes not yet persisted.
    let state = Mutex(Shard())
}

/// What one shard holds: its agents and the changes not yet persisted.
struct Shard {
    var agents = AgentTable()
    /// Agents changed since the last drain.
    var dirty: Set<String> = []
    /// Agents deleted since the last drain (their stored rows and history go too).
    var deleted: Set<String> = []
    var pendingTransitions: [Transition] = []
    /// What each counted beat since the last drain added, for a shared database to apply once (``BeatReceipt``).
    var pendingReceipts: [BeatReceipt] = []
    /// Agents whose operator-set fields (kill, stop, maintenance) changed since the last drain: a shared database
    /// takes these fields only from such a write, never from a node that merely counted a beat.
    var controlled: Set<String> = []
    /// Activity buckets closed when a beat arrived in a later bucket, not yet taken by
    /// ``AgentRegistry/closeActivity(at:scanAll:)``.
    var closedActivity: [ActivityBucket] = []

    mutating func record(_ transition: Transition) {
        pendingTransitions.append(transition)
    }
}

/// Why a registry operation was refused.
public enum RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No agent of that name is known.
    case unknownAgent(String)
    /// `--agents.max` agents are known already; a new one is refused.
    case agentLimitReached(limit: Int)
    /// The agent is killed or stopped, which a recovery ladder never touches.
    case notRecoverable(String, HealthState)
    /// The agent is not being recovered, so a ladder's step cannot be set.
    case notRecovering(String)
    /// A beat's `depends_on` would close a dependency cycle.
    case dependencyCycle(DependencyCycle)
    /// The agent has no maintenance window open, so there is none to end.
    case noOpenMaintenance(String)

    public var description: String {
        switch self {
        case .unknownAgent(let name): "unknown agent \"\(name)\""
        case .agentLimitReached(let limit): "agent limit reached: \(limit) agents are known (--agents.max)"
        case .notRecoverable(let name, let state): "agent \"\(name)\" is \(state.rawValue) and cannot be recovered"
        case .notRecovering(let name): "agent \"\(name)\" is not being recovered"
        case .dependencyCycle(let cycle): "field \"depends_on\": \(cycle)"
        case .noOpenMaintenance(let name): "agent \"\(name)\" has no maintenance window open"
        }
    }
}
