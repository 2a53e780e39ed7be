import AlertPipeline
import Alerting
import Fleet
import Model
import Recovery
import RuleManager
import Synchronization

/// Every storage protocol of the exporter kept in memory, for unit tests: what SQLite would hold, without a
/// file. ``failWrites`` makes every write throw, to test what happens when storage refuses.
public final class InMemoryStorage: AgentStorage, AlertStateStorage, RuleHistoryStorage, SilenceStorage,
    NotificationLogStorage, RecoveryStorage, AcknowledgementStorage, AlertHistoryStorage, ActivityStorage,
    NoticeStorage
{
    private struct Contents {
        var agents: [String: AgentRecord] = [:]
        var transitions: [String: [Transition]] = [:]
        var alerts: [SavedAlert] = []
        var silences: [String: Silence] = [:]
        var notificationLog: [NotificationLogEntry] = []
        var ruleHistory: [UInt8]?
        var recoveryRuns: [String: RecoveryRun] = [:]
        var acknowledgements: [String: Acknowledgement] = [:]
        var notices: [Fingerprint: Alerting.Alert] = [:]
        var episodes: [String: AlertEpisode] = [:]
        var attempts: [String: NotificationAttempt] = [:]
        var activity: [String: [Timestamp: ActivityBucket]] = [:]
        var fleetActivity: [Timestamp: FleetActivityPoint] = [:]
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
                contents.activity[name] = nil
            }
            for record in changes.upserts {
                var stored = record
                stored.history = []
                stored.openActivity = nil  // memory only, as in SQLite
                contents.agents[record.name] = stored
            }
            for transition in changes.transitions {
                contents.transitions[transition.agent, default: []].append(transition)
            }
            for agent in Set(changes.transitions.map(\.agent)) {
                contents.transitions[agent] = Self.pruned(contents.transitions[agent] ?? [], changes.historyKeptSince)
            }
        }
    }

    /// An agent's transitions as SQLite prunes them: the newest ``FleetChanges/storedHistoryLimit``, and those since
    /// `keptSince` with the last one before it.
    private static func pruned(_ history: [Transition], _ keptSince: Timestamp?) -> [Transition] {
        var keep = max(0, history.count - FleetChanges.storedHistoryLimit)
        if let keptSince, let lastBefore = history.lastIndex(where: { $0.at < keptSince }) {
            keep = min(keep, lastBefore)
        } else if keptSince != nil {
            keep = 0
        }
        return Array(history[keep...])
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

    public func history(of agent: String, since: Timestamp) throws(StorageError) -> [Transition] {
        contents.withLock { contents in
            let history = contents.transitions[agent] ?? []
            let first = history.lastIndex { $0.at < since } ?? history.firstIndex { $0.at >= since } ?? history.count
            return Array(history[first...])
        }
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

    public func saveRecoveryRun(_ run: RecoveryRun) throws(StorageError) {
        try write { $0.recoveryRuns[run.id] = run }
    }

    public func loadRecoveryRuns(startedSince since: Timestamp) throws(StorageError) -> [RecoveryRun] {
        contents.withLock { contents in
            let runs = Array(contents.recoveryRuns.values)
            let latest = Dictionary(grouping: runs, by: \.agent).compactMapValues { $0.map(\.startedAt).max() }
            return runs.filter { $0.outcome == nil || $0.startedAt >= since || latest[$0.agent] == $0.startedAt }
        }
    }

    public func deleteRecoveryRuns(endedBefore time: Timestamp) throws(StorageError) {
        try write { contents in
            let runs = Array(contents.recoveryRuns.values)
            let latest = Dictionary(grouping: runs, by: \.agent).compactMapValues { $0.map(\.startedAt).max() }
            for run in runs {
                guard let ended = run.endedAt, ended < time, run.startedAt < latest[run.agent] ?? run.startedAt
                else { continue }
                contents.recoveryRuns[run.id] = nil
            }
        }
    }

    public func saveAcknowledgements(_ acknowledgements: [Acknowledgement], deleting ended: [String])
        throws(StorageError)
    {
        try write { contents in
            for acknowledgement in acknowledgements { contents.acknowledgements[acknowledgement.id] = acknowledgement }
            for id in ended { contents.acknowledgements[id] = nil }
        }
    }

    public func loadAcknowledgements() throws(StorageError) -> [Acknowledgement] {
        contents.withLock { contents in
            contents.acknowledgements.keys.sorted().compactMap { contents.acknowledgements[$0] }
        }
    }

    public func saveNotices(_ notices: [Alerting.Alert], deleting ended: [Fingerprint]) throws(StorageError) {
        try write { contents in
            for notice in notices { contents.notices[notice.fingerprint] = notice }
            for fingerprint in ended { contents.notices[fingerprint] = nil }
        }
    }

    public func loadNotices() throws(StorageError) -> [Alerting.Alert] {
        contents.withLock { contents in contents.notices.keys.sorted().compactMap { contents.notices[$0] } }
    }

    private static func key(_ entry: NotificationLogEntry) -> String {
        "\(entry.integration.receiver)\u{0}\(entry.integration.integration)\u{0}\(entry.integration.index)\u{0}"
            + entry.groupKey
    }

    public func saveAlertHistory(episodes: [AlertEpisode], attempts: [NotificationAttempt]) throws(StorageError) {
        try write { contents in
            for episode in episodes { contents.episodes[episode.id] = episode }
            for attempt in attempts { contents.attempts[attempt.id] = attempt }
        }
    }

    public func deleteAlertHistory(before cutoff: Timestamp) throws(StorageError) {
        try write { contents in
            contents.episodes = contents.episodes.filter { ($0.value.resolvedAt ?? cutoff) >= cutoff }
            contents.attempts = contents.attempts.filter { $0.value.at >= cutoff }
        }
    }

    public func loadOpenEpisodes() throws(StorageError) -> [AlertEpisode] {
        contents.withLock { $0.episodes.values.filter { $0.resolvedAt == nil }.sorted { $0.id < $1.id } }
    }

    public func alertEpisodes(in range: HistoryRange, before cursor: HistoryCursor?, limit: Int)
        throws(StorageError) -> [AlertEpisode]
    {
        let episodes = contents.withLock { Array($0.episodes.values) }.filter { episode in
            (range.since.map { since in episode.resolvedAt.map { $0 >= since } ?? true } ?? true)
                && (range.until.map { episode.startedAt <= $0 } ?? true)
                && Self.isBefore(cursor, time: episode.startedAt, id: episode.id)
        }
        return Array(episodes.sorted { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }.prefix(limit))
    }

    public func notificationAttempts(in range: HistoryRange, before cursor: HistoryCursor?, limit: Int)
        throws(StorageError) -> [NotificationAttempt]
    {
        let attempts = contents.withLock { Array($0.attempts.values) }.filter { attempt in
            (range.since.map { attempt.at >= $0 } ?? true) && (range.until.map { attempt.at <= $0 } ?? true)
                && Self.isBefore(cursor, time: attempt.at, id: attempt.id)
        }
        return Array(attempts.sorted { ($0.at, $0.id) > ($1.at, $1.id) }.prefix(limit))
    }

    private static func isBefore(_ cursor: HistoryCursor?, time: Timestamp, id: String) -> Bool {
        guard let cursor else { return true }
        return time < cursor.time || (time == cursor.time && id < cursor.id)
    }

    public func saveActivity(_ buckets: [ActivityBucket]) throws(StorageError) {
        try write { contents in
            for bucket in buckets {
                let stored = contents.activity[bucket.agent]?[bucket.start]
                contents.activity[bucket.agent, default: [:]][bucket.start] = stored?.merged(with: bucket) ?? bucket
            }
        }
    }

    public func activity(of agent: String, from: Timestamp, to: Timestamp) throws(StorageError) -> [ActivityBucket] {
        contents.withLock { contents in
            (contents.activity[agent] ?? [:]).values.filter { $0.start >= from && $0.start < to }
                .sorted { $0.start < $1.start }
        }
    }

    public func deleteActivity(before cutoff: Timestamp) throws(StorageError) {
        try write { contents in
            for agent in contents.activity.keys {
                contents.activity[agent] = contents.activity[agent]?.filter { $0.key >= cutoff }
            }
            contents.fleetActivity = contents.fleetActivity.filter { $0.key >= cutoff }
        }
    }

    public func saveFleetActivity(_ points: [FleetActivityPoint]) throws(StorageError) {
        try write { contents in
            for point in points {
                contents.fleetActivity[point.start, default: FleetActivityPoint(start: point.start)].add(point)
            }
        }
    }

    public func fleetActivity(from: Timestamp, to: Timestamp) throws(StorageError) -> [FleetActivityPoint] {
        contents.withLock { contents in
            contents.fleetActivity.values.filter { $0.start >= from && $0.start < to }.sorted { $0.start < $1.start }
        }
    }
}
