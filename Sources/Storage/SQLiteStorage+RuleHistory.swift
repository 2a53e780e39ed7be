import Foundation
import GRDB
import Model
import RuleManager

/// The rules' sample history is one BLOB row, replaced in a transaction: SQLite's journal makes the swap
/// atomic (a crash leaves the old checkpoint or the new one) and it is backed up with the rest of the database.
extension SQLiteStorage: RuleHistoryStorage {
    /// Replaces the stored checkpoint.
    public func saveRuleHistory(_ checkpoint: [UInt8]) throws(StorageError) {
        do {
            try database.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO rule_history (id, checkpoint) VALUES (1, ?)",
                    arguments: [Data(checkpoint)])
            }
        } catch {
            throw StorageError(path: database.path, message: "saving the rule history failed: \(error)")
        }
    }

    /// The stored checkpoint, nil when none was saved.
    public func loadRuleHistory() throws(StorageError) -> [UInt8]? {
        do {
            return try database.read { db in
                try Data.fetchOne(db, sql: "SELECT checkpoint FROM rule_history WHERE id = 1").map { [UInt8]($0) }
            }
        } catch {
            throw StorageError(path: database.path, message: "reading the rule history failed: \(error)")
        }
    }
}
