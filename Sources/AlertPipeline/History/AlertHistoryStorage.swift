import Alerting
import Model

/// Where the alert history (episodes and notification attempts) is kept across restarts. Writes come in batches
/// from ``AlertHistory/flush()``, never from the rule evaluation or the dispatcher.
///
/// Pages are newest first and keyed by a ``HistoryCursor``: episodes by (`startedAt`, `id`), attempts by
/// (`at`, `id`), both descending; a page holds the items strictly before the cursor.
public protocol AlertHistoryStorage: Sendable {
    /// Inserts or replaces `episodes` (by ID) and inserts `attempts`, in one transaction.
    /// - Throws: ``StorageError`` when the write fails; nothing is then written.
    func saveAlertHistory(episodes: [AlertEpisode], attempts: [NotificationAttempt]) throws(StorageError)

    /// Deletes the episodes resolved before `cutoff` and the attempts made before it.
    /// - Throws: ``StorageError`` when the write fails.
    func deleteAlertHistory(before cutoff: Timestamp) throws(StorageError)

    /// The episodes not resolved, to carry on after a restart.
    /// - Throws: ``StorageError`` when they cannot be read.
    func loadOpenEpisodes() throws(StorageError) -> [AlertEpisode]

    /// Up to `limit` episodes, newest first, that were open at some time in `range`, started before `cursor`.
    /// - Throws: ``StorageError`` when they cannot be read.
    func alertEpisodes(in range: HistoryRange, before cursor: HistoryCursor?, limit: Int) throws(StorageError)
        -> [AlertEpisode]

    /// Up to `limit` notification attempts made in `range`, newest first, made before `cursor`.
    /// - Throws: ``StorageError`` when they cannot be read.
    func notificationAttempts(in range: HistoryRange, before cursor: HistoryCursor?, limit: Int)
        throws(StorageError) -> [NotificationAttempt]
}

/// The span a history query covers; either end may be open.
public struct HistoryRange: Sendable, Equatable {
    /// The earliest time (inclusive).
    public var since: Timestamp?
    /// The latest time (inclusive).
    public var until: Timestamp?

    /// Creates a range.
    public init(since: Timestamp? = nil, until: Timestamp? = nil) {
        self.since = since
        self.until = until
    }
}

/// Where a page of history ends: the sort time and ID of its last item. Written `<milliseconds>_<id>`
/// (`1733500000000_3f2a…-1733499000000`), as `nextCursor` in the API's answers and `cursor=` in its requests.
public struct HistoryCursor: Sendable, Equatable, CustomStringConvertible {
    /// The last item's sort time (an episode's start, an attempt's time).
    public var time: Timestamp
    /// The last item's ID.
    public var id: String

    /// Creates a cursor.
    public init(time: Timestamp, id: String) {
        self.time = time
        self.id = id
    }

    /// Parses `<milliseconds>_<id>`; nil when the text is not one.
    public init?(_ text: String) {
        guard let separator = text.firstIndex(of: "_"), let milliseconds = Int64(text[..<separator]) else {
            return nil
        }
        let id = String(text[text.index(after: separator)...])
        guard !id.isEmpty else { return nil }
        self.init(time: Timestamp(milliseconds: milliseconds), id: id)
    }

    public var description: String { "\(time.milliseconds)_\(id)" }
}

/// One page of history: the items and, when more may follow, the cursor of the next page.
public struct HistoryPage<Item: Sendable & Equatable>: Sendable, Equatable {
    /// The items, newest first.
    public var items: [Item]
    /// Where the next page starts; nil on the last page.
    public var next: HistoryCursor?

    /// Creates a page.
    public init(items: [Item], next: HistoryCursor?) {
        self.items = items
        self.next = next
    }
}

/// A history query: the span, label matchers (`match[]`: an item is kept when any set matches all its labels),
/// how many items, and where to start.
public struct HistoryQuery: Sendable {
    /// The most items a page may hold.
    public static let maximumLimit = 1000

    /// The span.
    public var range: HistoryRange
    /// The `match[]` sets; empty keeps everything.
    public var matchers: [[LabelMatcher]]
    /// How many items at most.
    public var limit: Int
    /// Where to start; nil for the newest.
    public var cursor: HistoryCursor?

    /// Creates a query.
    public init(
        range: HistoryRange = HistoryRange(), matchers: [[LabelMatcher]] = [], limit: Int = 100,
        cursor: HistoryCursor? = nil
    ) {
        self.range = range
        self.matchers = matchers
        self.limit = limit
        self.cursor = cursor
    }

    /// Whether `labels` pass the `match[]` sets.
    func matches(_ labels: Labels) -> Bool {
        matchers.isEmpty || matchers.contains { set in set.allSatisfy { $0.matches(labels) } }
    }
}

extension AlertHistoryStorage {
    /// The page of episodes `query` asks for, matched by label.
    /// - Throws: ``StorageError`` when they cannot be read.
    public func alertEpisodes(_ query: HistoryQuery) throws(StorageError) -> HistoryPage<AlertEpisode> {
        try page(query, key: { HistoryCursor(time: $0.startedAt, id: $0.id) }, labels: \.labels) {
            (cursor, chunk) throws(StorageError) in try alertEpisodes(in: query.range, before: cursor, limit: chunk)
        }
    }

    /// The page of notification attempts `query` asks for, matched by their group's labels.
    /// - Throws: ``StorageError`` when they cannot be read.
    public func notificationAttempts(_ query: HistoryQuery) throws(StorageError) -> HistoryPage<NotificationAttempt> {
        try page(query, key: { HistoryCursor(time: $0.at, id: $0.id) }, labels: \.groupLabels) {
            (cursor, chunk) throws(StorageError) in
            try notificationAttempts(in: query.range, before: cursor, limit: chunk)
        }
    }

    /// Reads chunks newest first, keeps the items `query` matches, and stops once the page is full.
    private func page<Item>(
        _ query: HistoryQuery, key: (Item) -> HistoryCursor, labels: (Item) -> Labels,
        read: (HistoryCursor?, Int) throws(StorageError) -> [Item]
    ) throws(StorageError) -> HistoryPage<Item> {
        let limit = max(1, min(query.limit, HistoryQuery.maximumLimit))
        let chunk = query.matchers.isEmpty ? limit + 1 : 500
        var items: [Item] = []
        var cursor = query.cursor
        while items.count <= limit {
            let rows = try read(cursor, chunk)
            items += rows.filter { query.matches(labels($0)) }
            guard rows.count == chunk, let last = rows.last else { break }
            cursor = key(last)
        }
        guard items.count > limit else { return HistoryPage(items: items, next: nil) }
        let kept = Array(items.prefix(limit))
        return HistoryPage(items: kept, next: kept.last.map(key))
    }
}
