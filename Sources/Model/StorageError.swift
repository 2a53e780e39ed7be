/// A storage failure, naming where: what every storage protocol of the exporter throws, whichever backend
/// implements it.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// The database or directory that failed.
    public var path: String
    /// What failed, and why.
    public var message: String

    /// Creates an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "storage \(path): \(message)" }
}
