import AlertPipeline
import Alerting
import Fleet
import Model
import RuleManager
import Synchronization

/// Every storage protocol of the exporter kept in memory, for unit tests: what SQLite would hold, without a
/// file. ``failWrites`` makes every write throw, to test what happens when storage refuses.
public final class InMemoryStorage: AgentStorage, AlertStateStorage, RuleHistoryStorage, SilenceStorage,
    NotificationLogStorage
{
    private struct Contents {
        var agents: [String: AgentRecord] = [:]
        var transitions: [String: [Transition]] = [:]
        var alerts: [SavedAlert] = []
        var silences: [String: Silence] = [:]
        var notificationLog: [NotificationLogEntry] = []
        var ruleHistory: [UInt8]?
        var failWrites = false
    }

    /// Protects everything stored.
    private let contents = Mutex(Contents())

    /// Creates an empty storage.
    public init() {}

    /// When set, every write throws a ``StorageError`` and changes nothing.
    public var failWrites: Bool {
        get { contents.withLock { $0.failWrites } }
        set { contents.withLock { $0.failWrites = newValue } }
    }

    private func write(_ change: (inout Contents) -> Void) throws(StorageError) {
        let refused = contents.withLock { contents -> Bool in
            guard !contents.failWrites else { return true }
            change(&contents)
            return false
        }
        if refused { throw StorageError(path: "memory", message: "write refused") }
    }

    public func apply(_ changes: FleetChanges) throws(StorageError) {
        try write { contents in
            for name in changes.deletions {
                contents.agents[name] = nil
                contents.transitions[name] = nil
            }
            for record in changes.upserts {
                var stored = record
                stored.history = []
                contents.agents[record.name] = stored
            }
            for transition in changes.transitions {
                contents.transitions[transition.agent, default: []].append(transition)
            }
        }
    }

    public func loadAgents(historyLimit: Int) throws(StorageError) -> [AgentRecord] {
        contents.withLock { contents in
            contents.agents.keys.sorted().compactMap { name in
                guard var record = contents.agents[name] else { return nil }
                record.history = Array((contents.transitions[name] ?? []).suffix(historyLimit))
                return record
            }
        }
    }

    public func history(of agent: String, limit: Int) throws(StorageError) -> [Transition] {
        contents.withLock { Array(($0.transitions[agent] ?? []).suffix(limit)) }
    }

    public func saveAlerts(file: String, group: String, _ alerts: [SavedAlert]) throws(StorageError) {
        try write { contents in
            contents.alerts.removeAll { $0.file == file && $0.group == group }
            contents.alerts += alerts
        }
    }

    public func loadAlerts() throws(StorageError) -> [SavedAlert] {
        contents.withLock { $0.alerts }
    }

    public func saveRuleHistory(_ checkpoint: [UInt8]) throws(StorageError) {
        try write { $0.ruleHistory = checkpoint }
    }

    public func loadRuleHistory() throws(StorageError) -> [UInt8]? {
        contents.withLock { $0.ruleHistory }
    }

    public func saveSilences(_ silences: [Silence]) throws(StorageError) {
        try write { contents in
            for silence in silences { contents.silences[silence.id] = silence }
        }
    }

    public func deleteSilences(ids: [String]) throws(StorageError) {
        try write { contents in
            for id in ids { contents.silences[id] = nil }
        }
    }

    public func loadSilences() throws(StorageError) -> [Silence] {
        contents.withLock { contents in contents.silences.keys.sorted().compactMap { contents.silences[$0] } }
    }

    public func saveNotificationLog(_ entries: [NotificationLogEntry], deleting expired: [NotificationLogEntry])
        throws(StorageError)
    {
        try write { contents in
            let replaced = Set((entries + expired).map(Self.key))
            contents.notificationLog.removeAll { replaced.contains(Self.key($0)) }
            contents.notificationLog += entries
        }
    }

    public func loadNotificationLog() throws(StorageError) -> [NotificationLogEntry] {
        contents.withLock { $0.notificationLog }
    }

    private static func key(_ entry: NotificationLogEntry) -> String {
        "\(entry.integration.receiver)\u{0}\(entry.integration.integration)\u{0}\(entry.integration.index)\u{0}"
            + entry.groupKey
    }
}
