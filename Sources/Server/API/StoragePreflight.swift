import Fleet
import HTTP
import Model

/// An operator's write is answered only once it is stored: when the storage cannot be written (PostgreSQL away),
/// the write is refused before anything changes, with 503 and the reason, rather than acknowledged and lost.
enum StoragePreflight {
    /// 503 when the fleet's pending changes cannot be written now (nothing is then changed); nil when they were.
    static func refusal(_ persistence: FleetPersistence) -> HTTPResponse? {
        do throws(StorageError) {
            try persistence.commit(checking: true)
            return nil
        } catch {
            return APIResponse.error(
                503, "the storage cannot be written now, nothing was changed; retry when it is back: \(error)")
        }
    }
}
